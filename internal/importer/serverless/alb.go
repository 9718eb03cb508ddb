package serverless

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// The alb event compiled as Serverless Framework v3.40 compiles it
// (lib/plugins/aws/package/compile/events/alb): validate.js, listener-rules.js,
// target-groups.js, permissions.js, and the names of lib/plugins/aws/lib/naming.js.

var albListenerRe = regexp.MustCompile(`^arn:aws[\w-]*:elasticloadbalancing:.+:listener\/app\/[\w-]+\/([\w-]+)\/([\w-]+)$`)

// albEvent is one validated alb event.
type albEvent struct {
	fn, path        string // function key, "functions.<fn>.events[<i>].alb"
	node            *yaml.Node
	albID           string
	listenerID      string
	listenerArn     *yaml.Node
	priority        int
	priorityNode    *yaml.Node
	conditions      *yaml.Node
	multiValue      bool
	healthCheck     *yaml.Node // nil, or the map (true becomes an empty map)
	targetGroupName string
	authorizers     []string
	authorizerNode  *yaml.Node
}

var albEventKeys = map[string]bool{"listenerArn": true, "priority": true, "conditions": true, "multiValueHeaders": true,
	"healthCheck": true, "targetGroupName": true, "authorizer": true}
var albConditionKeys = map[string]bool{"path": true, "host": true, "method": true, "header": true, "query": true, "ip": true}

// normalizeName is naming.getNormalizedFunctionName: upper first, - → Dash, _ → Underscore.
func normalizeName(name string) string {
	s := strings.ReplaceAll(strings.ReplaceAll(name, "-", "Dash"), "_", "Underscore")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (c *compiler) albEvent(fn string, i int, ev *yaml.Node) *albEvent {
	path := fmt.Sprintf("functions.%s.events[%d].alb", fn, i)
	e := &albEvent{fn: fn, path: path, node: ev}
	if ev.Kind != yaml.MappingNode {
		c.errs.At(c.file, ev, path, "must be a map with listenerArn, priority and conditions")
		return nil
	}
	keys, vals := yamlsrc.Pairs(ev)
	for j, k := range keys {
		if !albEventKeys[k.Value] {
			c.errs.At(c.file, k, path+"."+k.Value, "unrecognized property %q (allowed: listenerArn, priority, conditions, multiValueHeaders, healthCheck, targetGroupName, authorizer)", k.Value)
		}
		_ = vals[j]
	}
	ok := true
	// listenerArn: an ALB listener ARN, or only {Ref: LogicalId}.
	switch la := yamlsrc.Get(ev, "listenerArn"); {
	case la == nil:
		c.errs.At(c.file, ev, path+".listenerArn", "is required")
		ok = false
	case la.Kind == yaml.ScalarNode:
		m := albListenerRe.FindStringSubmatch(la.Value)
		if m == nil {
			c.errs.At(c.file, la, path+".listenerArn", "%q is not an ALB listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<lb id>/<listener id>) (ALB_INVALID_LISTENER_ARN)", la.Value)
			ok = false
		} else {
			e.albID, e.listenerID, e.listenerArn = m[1], m[2], la
		}
	case la.Kind == yaml.MappingNode && len(la.Content) == 2 && la.Content[0].Value == "Ref" && scalarValue(la.Content[1]) != "":
		ref := scalarValue(la.Content[1])
		e.albID, e.listenerID, e.listenerArn = ref, ref, la
	default:
		c.errs.At(c.file, la, path+".listenerArn", "must be a listener ARN string or {Ref: <listener logical id>}")
		ok = false
	}
	pn := yamlsrc.Get(ev, "priority")
	if pn == nil {
		c.errs.At(c.file, ev, path+".priority", "is required")
		ok = false
	} else if p, err := strconv.Atoi(pn.Value); err != nil || pn.Kind != yaml.ScalarNode || p < 1 || p > 50000 {
		c.errs.At(c.file, pn, path+".priority", "must be an integer from 1 to 50000, got %q", pn.Value)
		ok = false
	} else {
		e.priority, e.priorityNode = p, pn
	}
	if !c.albConditions(e, yamlsrc.Get(ev, "conditions")) {
		ok = false
	}
	if mv := yamlsrc.Get(ev, "multiValueHeaders"); mv != nil {
		b, err := boolOf(mv)
		if err != nil {
			c.errs.At(c.file, mv, path+".multiValueHeaders", "%v", err)
		}
		e.multiValue = b
	}
	if hc := yamlsrc.Get(ev, "healthCheck"); hc != nil {
		switch {
		case hc.Kind == yaml.MappingNode:
			e.healthCheck = hc
		case hc.Kind == yaml.ScalarNode && hc.Value == "true":
			e.healthCheck = mapNode(hc)
		case hc.Kind == yaml.ScalarNode && hc.Value == "false":
		default:
			c.errs.At(c.file, hc, path+".healthCheck", "must be true or a map")
		}
	}
	if tg := yamlsrc.Get(ev, "targetGroupName"); tg != nil {
		if c.tgPrefix != "" {
			c.errs.At(c.file, tg, path+".targetGroupName", "ALB \"targetGroupName\" setting is exclusive with \"provider.alb.targetGroupPrefix\": Please specify only one (ALB_TARGET_GROUP_NAME_EXCLUSIVE)")
		}
		e.targetGroupName = scalarValue(tg)
	}
	if au := yamlsrc.Get(ev, "authorizer"); au != nil {
		e.authorizerNode = au
		for _, a := range asList(au) {
			if scalarValue(a) == "" || yamlsrc.Get(c.authorizers, a.Value) == nil {
				c.errs.At(c.file, a, path+".authorizer", "No match for %q in function %q found in registered ALB authorizers (ALB_MISSING_AUTHORIZER)", a.Value, fn)
				ok = false
			}
			e.authorizers = append(e.authorizers, a.Value)
		}
	}
	if !ok {
		return nil
	}
	return e
}

func boolOf(n *yaml.Node) (bool, error) {
	switch n.Value {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("must be true or false, got %q", n.Value)
}

func (c *compiler) albConditions(e *albEvent, cn *yaml.Node) bool {
	p := e.path + ".conditions"
	if cn == nil || cn.Kind != yaml.MappingNode {
		c.errs.At(c.file, orNode(cn, e.node), p, "is required: a map of path, host, method, header, query or ip")
		return false
	}
	keys, _ := yamlsrc.Pairs(cn)
	if len(keys) == 0 {
		c.errs.At(c.file, cn, p, "Cannot setup \"alb\" event in %q function: At least one condition must be defined (ALB_NO_CONDITIONS)", e.fn)
		return false
	}
	for _, k := range keys {
		if !albConditionKeys[k.Value] {
			c.errs.At(c.file, k, p+"."+k.Value, "unrecognized condition %q (allowed: path, host, method, header, query, ip)", k.Value)
		}
	}
	e.conditions = cn
	return true
}

func orNode(a, b *yaml.Node) *yaml.Node {
	if a != nil {
		return a
	}
	return b
}

// checkPriorities is validate.js validatePriorities, with the positions of both events.
func (c *compiler) checkPriorities(events []*albEvent) []*albEvent {
	var kept []*albEvent
	for i, e := range events {
		clash := false
		for _, o := range events[:i] {
			if o.priority != e.priority {
				continue
			}
			switch {
			case o.fn == e.fn && o.listenerID != e.listenerID:
				c.errs.At(c.file, e.priorityNode, e.path+".priority", "%d is already used by this function on listener %s: events in the same function cannot use the same priority even if they have a different listenerArn (a Serverless limitation) (ALB_PRIORITY_ALREADY_IN_USE)", e.priority, o.listenerID)
				clash = true
			case o.fn != e.fn && o.listenerID == e.listenerID:
				c.errs.At(c.file, e.priorityNode, e.path+".priority", "%d is already used by function %s on listener %s (ALB_PRIORITY_ALREADY_IN_USE)", e.priority, o.fn, e.listenerID)
				clash = true
			}
		}
		if !clash {
			kept = append(kept, e)
		}
	}
	return kept
}

// listenerRule is listener-rules.js for one event.
func (c *compiler) listenerRule(e *albEvent) (string, *yaml.Node) {
	id := normalizeName(e.fn) + "AlbListenerRule" + strconv.Itoa(e.priority)
	at := e.node
	var actions []*yaml.Node
	order := 0
	for _, name := range e.authorizers {
		auth := yamlsrc.Get(c.authorizers, name)
		order++
		actions = append(actions, c.authAction(auth, order, e.authorizerNode))
	}
	forward := mapNode(at, "Type", sNode("forward", at), "TargetGroupArn", mapNode(at, "Ref", sNode(c.targetGroupID(e), at)))
	if order > 0 {
		order++
		set(forward, "Order", iNode(order, at))
	}
	actions = append(actions, forward)
	var conds []*yaml.Node
	cn := e.conditions
	if v := yamlsrc.Get(cn, "path"); v != nil {
		conds = append(conds, mapNode(v, "Field", sNode("path-pattern", v), "Values", seqNode(v, asList(v)...)))
	}
	if v := yamlsrc.Get(cn, "host"); v != nil {
		conds = append(conds, mapNode(v, "Field", sNode("host-header", v), "HostHeaderConfig", mapNode(v, "Values", seqNode(v, asList(v)...))))
	}
	if v := yamlsrc.Get(cn, "method"); v != nil {
		conds = append(conds, mapNode(v, "Field", sNode("http-request-method", v), "HttpRequestMethodConfig", mapNode(v, "Values", seqNode(v, asList(v)...))))
	}
	if v := yamlsrc.Get(cn, "header"); v != nil {
		for _, h := range asList(v) {
			conds = append(conds, mapNode(h, "Field", sNode("http-header", h), "HttpHeaderConfig",
				mapNode(h, "HttpHeaderName", yamlsrc.Get(h, "name"), "Values", seqNode(h, asList(yamlsrc.Get(h, "values"))...))))
		}
	}
	if v := yamlsrc.Get(cn, "query"); v != nil {
		var kvs []*yaml.Node
		keys, vals := yamlsrc.Pairs(v)
		for i, k := range keys {
			kvs = append(kvs, mapNode(k, "Key", sNode(k.Value, k), "Value", sNode(vals[i].Value, vals[i])))
		}
		conds = append(conds, mapNode(v, "Field", sNode("query-string", v), "QueryStringConfig", mapNode(v, "Values", seqNode(v, kvs...))))
	}
	if v := yamlsrc.Get(cn, "ip"); v != nil {
		conds = append(conds, mapNode(v, "Field", sNode("source-ip", v), "SourceIpConfig", mapNode(v, "Values", seqNode(v, asList(v)...))))
	}
	return id, mapNode(at,
		"Type", sNode("AWS::ElasticLoadBalancingV2::ListenerRule", at),
		"Properties", mapNode(at,
			"Actions", seqNode(at, actions...),
			"Conditions", seqNode(e.conditions, conds...),
			"ListenerArn", e.listenerArn,
			"Priority", iNode(e.priority, e.priorityNode)))
}

// authAction is the authenticate-cognito or authenticate-oidc action of an authorizer.
func (c *compiler) authAction(auth *yaml.Node, order int, at *yaml.Node) *yaml.Node {
	g := func(k string) *yaml.Node { return yamlsrc.Get(auth, k) }
	unauth := g("onUnauthenticatedRequest")
	if unauth == nil {
		unauth = sNode("deny", at)
	}
	if t := g("type"); t != nil && t.Value == "cognito" {
		return mapNode(at, "Type", sNode("authenticate-cognito", at), "Order", iNode(order, at),
			"AuthenticateCognitoConfig", mapNode(at, "UserPoolArn", g("userPoolArn"), "UserPoolClientId", g("userPoolClientId"),
				"UserPoolDomain", g("userPoolDomain"), "OnUnauthenticatedRequest", unauth,
				"AuthenticationRequestExtraParams", g("requestExtraParams"), "Scope", g("scope"),
				"SessionCookieName", g("sessionCookieName"), "SessionTimeout", g("sessionTimeout")))
	}
	cfg := mapNode(at, "AuthorizationEndpoint", g("authorizationEndpoint"), "ClientId", g("clientId"), "Issuer", g("issuer"),
		"TokenEndpoint", g("tokenEndpoint"), "UserInfoEndpoint", g("userInfoEndpoint"), "OnUnauthenticatedRequest", unauth,
		"AuthenticationRequestExtraParams", g("requestExtraParams"), "Scope", g("scope"),
		"SessionCookieName", g("sessionCookieName"), "SessionTimeout", g("sessionTimeout"))
	if s := g("clientSecret"); s != nil {
		set(cfg, "ClientSecret", s)
	} else {
		set(cfg, "UseExistingClientSecret", bNode(true, at))
	}
	return mapNode(at, "Type", sNode("authenticate-oidc", at), "Order", iNode(order, at), "AuthenticateOidcConfig", cfg)
}

func (c *compiler) targetGroupID(e *albEvent) string {
	mv := ""
	if e.multiValue {
		mv = "MultiValue"
	}
	return normalizeName(e.fn) + "Alb" + mv + "TargetGroup" + e.albID
}

// tagValue is naming.getAlbTargetGroupNameTagValue.
func (c *compiler) tagValue(e *albEvent, multiValue bool) string {
	mv := ""
	if multiValue {
		mv = "multi-value-"
	}
	return c.service + "-" + e.fn + "-" + e.albID + "-" + mv + c.stage
}

// targetGroup is target-groups.js for one event.
func (c *compiler) targetGroup(e *albEvent) (string, *yaml.Node) {
	at := e.node
	name := e.targetGroupName
	if name == "" {
		sum := md5.Sum([]byte(c.tagValue(e, e.multiValue)))
		name = c.tgPrefix + hex.EncodeToString(sum[:])
		if len(name) > 32 {
			name = name[:32]
		}
	}
	target := c.lambdaTarget(e)
	props := mapNode(at,
		"TargetType", sNode("lambda", at),
		"Targets", seqNode(at, mapNode(at, "Id", target)),
		"Name", sNode(name, at),
		"Tags", seqNode(at, mapNode(at, "Key", sNode("Name", at), "Value", sNode(c.tagValue(e, false), at))),
		"TargetGroupAttributes", seqNode(at, mapNode(at, "Key", sNode("lambda.multi_value_headers.enabled", at), "Value", bNode(e.multiValue, at))),
		"HealthCheckEnabled", bNode(false, at))
	if hc := e.healthCheck; hc != nil {
		// Defaults, then the event's settings; an event's healthCheck always enables it.
		set(props, "HealthCheckEnabled", bNode(true, hc))
		set(props, "HealthCheckPath", sNode("/", hc))
		set(props, "HealthCheckIntervalSeconds", iNode(35, hc))
		set(props, "HealthCheckTimeoutSeconds", iNode(30, hc))
		set(props, "HealthyThresholdCount", iNode(5, hc))
		set(props, "UnhealthyThresholdCount", iNode(5, hc))
		set(props, "Matcher", mapNode(hc, "HttpCode", sNode("200", hc)))
		for key, prop := range map[string]string{"intervalSeconds": "HealthCheckIntervalSeconds", "path": "HealthCheckPath",
			"timeoutSeconds": "HealthCheckTimeoutSeconds", "healthyThresholdCount": "HealthyThresholdCount"} {
			if v := yamlsrc.Get(hc, key); v != nil && !yamlsrc.IsNull(v) {
				set(props, prop, v)
			}
		}
		// target-groups.js tests this one for truthiness, not != null: 0 keeps the default.
		if v := yamlsrc.Get(hc, "unhealthyThresholdCount"); v != nil && v.Value != "0" && v.Value != "" && !yamlsrc.IsNull(v) {
			set(props, "UnhealthyThresholdCount", v)
		}
		if v := yamlsrc.Get(yamlsrc.Get(hc, "matcher"), "httpCode"); v != nil && v.Value != "" {
			set(props, "Matcher", mapNode(v, "HttpCode", v))
		}
	}
	return c.targetGroupID(e), mapNode(at,
		"Type", sNode("AWS::ElasticLoadBalancingV2::TargetGroup", at),
		"Properties", props,
		"DependsOn", seqNode(at, sNode(normalizeName(e.fn)+"LambdaPermissionRegisterTarget", at)))
}

// permissions is permissions.js: the two permissions of a function on an ALB.
func (c *compiler) permissions(e *albEvent) map[string]*yaml.Node {
	at := e.node
	fnArn := func() *yaml.Node { return c.lambdaTarget(e) }
	perm := func(withSource bool) *yaml.Node {
		props := mapNode(at, "FunctionName", fnArn(), "Action", sNode("lambda:InvokeFunction", at),
			"Principal", sNode("elasticloadbalancing.amazonaws.com", at))
		if withSource {
			set(props, "SourceArn", mapNode(at, "Ref", sNode(c.targetGroupID(e), at)))
		}
		return mapNode(at, "Type", sNode("AWS::Lambda::Permission", at), "Properties", props)
	}
	n := normalizeName(e.fn)
	return map[string]*yaml.Node{n + "LambdaPermissionAlb": perm(true), n + "LambdaPermissionRegisterTarget": perm(false)}
}

// lambdaTarget is resolve-lambda-target.js: the function's ARN, qualified by its target alias
// when it has one (provisionedConcurrency).
func (c *compiler) lambdaTarget(e *albEvent) *yaml.Node {
	at := e.node
	arn := mapNode(at, "Fn::GetAtt", seqNode(at, sNode(normalizeName(e.fn)+"LambdaFunction", at), sNode("Arn", at)))
	alias, ok := c.targetAliases[e.fn]
	if !ok {
		return arn
	}
	return mapNode(at, "Fn::Join", seqNode(at, sNode(":", at), seqNode(at, arn, sNode(alias, at))))
}
