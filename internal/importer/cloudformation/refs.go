package cloudformation

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Resource types Albatross translates.
const (
	typeLoadBalancer   = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeListener       = "AWS::ElasticLoadBalancingV2::Listener"
	typeListenerRule   = "AWS::ElasticLoadBalancingV2::ListenerRule"
	typeListenerCert   = "AWS::ElasticLoadBalancingV2::ListenerCertificate"
	typeTargetGroup    = "AWS::ElasticLoadBalancingV2::TargetGroup"
	typeFunction       = "AWS::Lambda::Function"
	typePermission     = "AWS::Lambda::Permission"
	typeVersion        = "AWS::Lambda::Version"
	typeAlias          = "AWS::Lambda::Alias"
	typeServerlessFunc = "AWS::Serverless::Function"
)

func (t *Template) ref(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	if arg == nil || arg.Kind != yaml.ScalarNode {
		return nil, t.evalErr(arg, path+".Ref", "takes a name")
	}
	return t.refName(arg.Value, arg, path+".Ref")
}

// refName resolves Ref NAME: a parameter, a pseudo parameter or a resource's physical id.
func (t *Template) refName(name string, n *yaml.Node, path string) (any, *yamlsrc.Error) {
	if p, ok := t.params[name]; ok {
		return p.value, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return t.pseudo(name, n, path)
	}
	r, ok := t.resources[name]
	if !ok {
		if _, declared := t.paramDeclared(name); declared {
			return unknown{why: "parameter " + name + " has no value"}, nil
		}
		return nil, t.evalErr(n, path, "%s is not a parameter, pseudo parameter or resource of this template", name)
	}
	if !r.enabled {
		return nil, t.evalErr(n, path, "resource %s is not created (its Condition is false)", name)
	}
	switch r.typ {
	case typeLoadBalancer, typeListener:
		return t.arnOf(r), nil
	case typeListenerRule:
		return t.ruleARN(r), nil
	case typeTargetGroup:
		return t.arnOf(r), nil
	case typeFunction, typeServerlessFunc:
		return t.name(r), nil
	case typeVersion, typeAlias:
		return t.qualifiedARN(r), nil
	case typeListenerCert, typePermission:
		return r.id, nil
	}
	return t.external(r, "Ref", n, path)
}

func (t *Template) paramDeclared(name string) (*yaml.Node, bool) {
	n := yamlsrc.Get(yamlsrc.Get(t.root, "Parameters"), name)
	return n, n != nil
}

// external is a value of a resource Albatross does not run: given in --values as
// attr:<LogicalId>.<Attribute> (attr:<LogicalId>.Ref for its Ref), else unknown.
func (t *Template) external(r *resource, attr string, n *yaml.Node, path string) (any, *yamlsrc.Error) {
	key := "attr:" + r.id + "." + attr
	if v, err := t.opts.Values.Value(key); err == nil {
		return normalize(v), nil
	}
	return unknown{why: "depends on " + t.origin(r.id) + " (" + r.typ + "), which Albatross does not run: give its value in --values as " + key}, nil
}

func (t *Template) cfgNames() config.Config {
	return config.Config{Region: t.opts.Region, AccountID: t.opts.AccountID}
}

// pseudo resolves the pseudo parameters.
func (t *Template) pseudo(name string, n *yaml.Node, path string) (any, *yamlsrc.Error) {
	switch name {
	case "AWS::Region":
		return t.opts.Region, nil
	case "AWS::AccountId":
		return t.opts.AccountID, nil
	case "AWS::StackName":
		return t.opts.StackName, nil
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + t.opts.Region + ":" + t.opts.AccountID + ":stack/" + t.opts.StackName + "/00000000-0000-0000-0000-000000000000", nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::NoValue":
		return noValue, nil
	case "AWS::NotificationARNs":
		return []any{}, nil
	}
	return nil, t.evalErr(n, path, "unknown pseudo parameter %s", name)
}

func (t *Template) getAtt(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::GetAtt"
	var res, attr string
	switch {
	case arg != nil && arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
		res = arg.Content[0].Value
		a, err := t.evalString(arg.Content[1], p+"[1]")
		if err != nil {
			return nil, err
		}
		attr = a
	case arg != nil && arg.Kind == yaml.ScalarNode && strings.Contains(arg.Value, "."):
		res, attr, _ = strings.Cut(arg.Value, ".")
	default:
		return nil, t.evalErr(arg, p, "takes [LogicalId, Attribute]")
	}
	return t.attribute(res, attr, arg, p)
}

// attribute resolves Fn::GetAtt for the attributes ELBv2 and Lambda resources expose.
func (t *Template) attribute(id, attr string, n *yaml.Node, path string) (any, *yamlsrc.Error) {
	r, ok := t.resources[id]
	if !ok {
		return nil, t.evalErr(n, path, "%s is not a resource of this template", id)
	}
	if !r.enabled {
		return nil, t.evalErr(n, path, "resource %s is not created (its Condition is false)", id)
	}
	cfg := t.cfgNames()
	bad := func() (any, *yamlsrc.Error) {
		return nil, t.evalErr(n, path, "%s (%s) has no attribute %s", id, r.typ, attr)
	}
	switch r.typ {
	case typeLoadBalancer:
		name := t.name(r)
		arn := cfg.LoadBalancerARN(name)
		lbID := arn[strings.LastIndexByte(arn, '/')+1:]
		switch attr {
		case "LoadBalancerArn":
			return arn, nil
		case "LoadBalancerName":
			return name, nil
		case "LoadBalancerFullName":
			return "app/" + name + "/" + lbID, nil
		case "DNSName":
			return name + "-" + lbID + "." + t.opts.Region + ".elb.amazonaws.com", nil
		case "CanonicalHostedZoneID", "SecurityGroups":
			return t.external(r, attr, n, path)
		}
		return bad()
	case typeListener:
		if attr == "ListenerArn" {
			return t.listenerARN(r), nil
		}
		return bad()
	case typeListenerRule:
		switch attr {
		case "RuleArn":
			return t.ruleARN(r), nil
		case "IsDefault":
			return "false", nil
		}
		return bad()
	case typeTargetGroup:
		name := t.name(r)
		arn := cfg.TargetGroupARN(name)
		switch attr {
		case "TargetGroupArn":
			return arn, nil
		case "TargetGroupName":
			return name, nil
		case "TargetGroupFullName":
			return arn[strings.Index(arn, "targetgroup/"):], nil
		case "LoadBalancerArns":
			return t.external(r, attr, n, path)
		}
		return bad()
	case typeFunction, typeServerlessFunc:
		switch attr {
		case "Arn":
			return cfg.FunctionARN(t.name(r)), nil
		case "SnapStartResponse", "SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus":
			return t.external(r, attr, n, path)
		}
		return bad()
	case typeVersion:
		switch attr {
		case "Version":
			arn := t.qualifiedARN(r)
			return arn[strings.LastIndexByte(arn, ':')+1:], nil
		case "FunctionArn":
			return t.qualifiedARN(r), nil
		}
		return bad()
	case typeAlias:
		if attr == "AliasArn" {
			return t.qualifiedARN(r), nil
		}
		return bad()
	}
	return t.external(r, attr, n, path)
}

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// name is the physical name of a load balancer, target group or function: its Name (or
// FunctionName) property when set, else the logical id (CloudFormation would generate a name
// with a random suffix; the logical id keeps it readable and stable).
func (t *Template) name(r *resource) string {
	prop := "Name"
	if r.typ == typeFunction || r.typ == typeServerlessFunc {
		prop = "FunctionName"
	}
	if n := yamlsrc.Get(r.props, prop); n != nil && !t.naming[r.id] {
		t.naming[r.id] = true
		defer delete(t.naming, r.id)
		if v, err := t.eval(n, ""); err == nil {
			if s, ok := v.(string); ok && s != "" {
				return s
			}
		}
	}
	if r.typ == typeFunction || r.typ == typeServerlessFunc {
		return r.id
	}
	s := strings.Trim(nameUnsafe.ReplaceAllString(r.id, "-"), "-")
	if len(s) > 32 {
		s = strings.Trim(s[:32], "-")
	}
	return s
}

// listenerARN is the listener's ARN as the running Albatross reports it (by its load balancer
// and port); a listener whose load balancer or port cannot be evaluated gets one from its id.
func (t *Template) listenerARN(r *resource) string {
	return t.arnOf(r)
}

func (t *Template) listenerKey(r *resource) (string, int) {
	lbName, port := "unknown-"+r.id, 0
	if v, err := t.eval(yamlsrc.Get(r.props, "LoadBalancerArn"), ""); err == nil {
		if s, ok := v.(string); ok {
			if lb := t.byARNOf(s, typeLoadBalancer); lb != nil {
				lbName = t.name(lb)
			}
		}
	}
	if v, err := t.eval(yamlsrc.Get(r.props, "Port"), ""); err == nil {
		if s, ok := v.(string); ok {
			port, _ = strconv.Atoi(s)
		}
	}
	if port == 0 {
		port = 80 // CloudFormation requires Port for an ALB listener; keep the ARN well formed
	}
	return lbName, port
}

func (t *Template) ruleARN(r *resource) string {
	cfg := t.cfgNames()
	prio := 0
	if v, err := t.eval(yamlsrc.Get(r.props, "Priority"), ""); err == nil {
		if s, ok := v.(string); ok {
			prio, _ = strconv.Atoi(s)
		}
	}
	lbName, port := "unknown-"+r.id, 80
	if v, err := t.eval(yamlsrc.Get(r.props, "ListenerArn"), ""); err == nil {
		if s, ok := v.(string); ok {
			if l := t.byARNOf(s, typeListener); l != nil {
				lbName, port = t.listenerKey(l)
			}
		}
	}
	return cfg.RuleARN(lbName, "", port, prio)
}

// qualifiedARN is a version's or alias's ARN: the function's ARN and the qualifier.
func (t *Template) qualifiedARN(r *resource) string {
	fn := "unknown"
	if v, err := t.eval(yamlsrc.Get(r.props, "FunctionName"), ""); err == nil {
		if s, ok := v.(string); ok {
			fn = functionNameOf(s)
		}
	}
	arn := t.cfgNames().FunctionARN(fn)
	if r.typ == typeAlias {
		name, _ := t.eval(yamlsrc.Get(r.props, "Name"), "")
		s, _ := name.(string)
		return arn + ":" + s
	}
	// Versions are numbered in template order per function, as publishing them would.
	n := 0
	for _, id := range t.order {
		o := t.resources[id]
		if o.typ != typeVersion || !o.enabled {
			continue
		}
		if v, err := t.eval(yamlsrc.Get(o.props, "FunctionName"), ""); err == nil {
			if s, ok := v.(string); ok && functionNameOf(s) == fn {
				n++
			}
		}
		if id == r.id {
			break
		}
	}
	return arn + ":" + strconv.Itoa(max(n, 1))
}

// functionNameOf is the function name in a name, a partial ARN or an ARN.
func functionNameOf(s string) string {
	if name, _, ok := config.ParseFunctionARN(s); ok {
		return name
	}
	return s
}

// byARNOf finds the resource of type typ whose Ref is arn.
func (t *Template) byARNOf(arn, typ string) *resource {
	for _, id := range t.order {
		r := t.resources[id]
		if r.enabled && r.typ == typ && t.arnOf(r) == arn {
			return r
		}
	}
	return nil
}

// arnOf is a load balancer's, target group's or listener's ARN, computed once: ARNs are looked
// up often, and a listener's depends on its load balancer's.
func (t *Template) arnOf(r *resource) string {
	if a, ok := t.arns[r.id]; ok {
		return a
	}
	t.arns[r.id] = "" // a cycle through this resource finds no ARN
	cfg := t.cfgNames()
	var a string
	switch r.typ {
	case typeLoadBalancer:
		a = cfg.LoadBalancerARN(t.name(r))
	case typeTargetGroup:
		a = cfg.TargetGroupARN(t.name(r))
	case typeListener:
		lbName, port := t.listenerKey(r)
		a = cfg.ListenerARN(lbName, "", port)
	}
	t.arns[r.id] = a
	return a
}
