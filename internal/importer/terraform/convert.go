package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// converter turns the evaluated resource instances into a configuration. Resources find each
// other by the ARNs their references evaluated to, as on AWS.
type converter struct {
	ev  *evaluator
	cfg *config.Config
	// lbs and listeners index what was built by ARN; ignoredLBs holds network and gateway load
	// balancers, whose listeners are skipped with them.
	lbs        map[string]int
	ignoredLBs map[string]bool
	listeners  map[string]listenerAt
	tgs        map[string]int
	// unnumbered are rules without a priority, numbered after every explicit one.
	unnumbered []unnumberedRule
}

type listenerAt struct{ lb, listener int }

type unnumberedRule struct {
	at   listenerAt
	rule config.Rule
	inst *instance
}

// source reports where the item at cfgPath came from: the resource block and the instance's
// address as Terraform prints it (module.svc["a"].aws_lb_target_group.this[0]).
func (c *converter) source(cfgPath string, inst *instance) {
	if c.ev.opts.Source != nil {
		c.ev.opts.Source(cfgPath, strings.TrimSpace(c.ev.ps.location(declared(inst.res.block))+" "+inst.addr))
	}
}

// declared is where a resource is declared: its block's header, or in a .tf.json file its name
// (the header's range there is the "resource" key that every resource of the file shares).
func declared(b *hclsyntax.Block) hcl.Range {
	if strings.HasSuffix(b.TypeRange.Filename, ".json") && len(b.LabelRanges) > 0 {
		return b.LabelRanges[len(b.LabelRanges)-1]
	}
	return b.DefRange()
}

// passes orders the conversion so that what a resource refers to is built before it.
var passes = [][]string{
	{"aws_lb", "aws_lb_target_group", "aws_lambda_function"},
	{"aws_lb_listener"},
	{"aws_lb_listener_rule", "aws_lb_target_group_attachment", "aws_lambda_alias", "aws_lambda_permission"},
}

func (ev *evaluator) convert(scopes []*scope) *config.Config {
	c := &converter{ev: ev, cfg: &config.Config{Region: ev.ids.Region}, lbs: map[string]int{}, ignoredLBs: map[string]bool{},
		listeners: map[string]listenerAt{}, tgs: map[string]int{}}
	for _, pass := range passes {
		for _, s := range scopes {
			for _, r := range s.mod.resources {
				typ := canonical(r.typ)
				if r.data || !slices.Contains(pass, typ) {
					continue
				}
				for _, inst := range s.instances[r.key()] {
					c.instance(typ, inst)
				}
			}
		}
	}
	c.numberRules()
	for _, s := range scopes {
		for _, r := range s.mod.resources {
			if (r.data && knownData[r.typ]) || (!r.data && built[r.typ]) {
				continue
			}
			ev.notice("%s %s: skipped, not part of a load balancer", ev.ps.location(r.block.DefRange()), s.prefix+r.key())
		}
	}
	return c.cfg
}

func (c *converter) instance(typ string, inst *instance) {
	switch typ {
	case "aws_lb":
		c.loadBalancer(inst)
	case "aws_lb_target_group":
		c.targetGroup(inst)
	case "aws_lambda_function":
		c.function(inst)
	case "aws_lb_listener":
		c.listener(inst)
	case "aws_lb_listener_rule":
		c.rule(inst)
	case "aws_lb_target_group_attachment":
		c.attachment(inst)
	case "aws_lambda_alias", "aws_lambda_permission":
		// An alias resolves to the function it names (qualified ARNs carry it to the event); a
		// permission has nothing to grant where Albatross invokes its own functions.
	}
}

// loadBalancerAttributes maps aws_lb arguments to ELBv2 load balancer attributes.
var loadBalancerAttributes = [][2]string{
	{"idle_timeout", config.AttrIdleTimeoutSeconds},
	{"enable_http2", config.AttrHTTP2Enabled},
	{"drop_invalid_header_fields", config.AttrDropInvalidHeaderFields},
	{"preserve_host_header", config.AttrPreserveHostHeader},
	{"desync_mitigation_mode", config.AttrDesyncMitigationMode},
	{"xff_header_processing_mode", config.AttrXFFHeaderProcessingMode},
	{"enable_xff_client_port", config.AttrXFFClientPort},
	{"enable_tls_version_and_cipher_suite_headers", config.AttrTLSVersionAndCipherSuite},
	{"client_keep_alive", config.AttrClientKeepAliveSeconds},
	{"enable_deletion_protection", "deletion_protection.enabled"},
	{"enable_waf_fail_open", "waf.fail_open.enabled"},
	{"enable_zonal_shift", "zonal_shift.config.enabled"},
}

func (c *converter) loadBalancer(inst *instance) {
	b := inst.body
	arn := inst.value.GetAttr("arn").AsString()
	if t, ok := c.ev.str(b, "load_balancer_type"); ok && t != "application" {
		c.ignoredLBs[arn] = true
		c.ev.notice("%s %s: skipped, a %s load balancer (Albatross is an application load balancer)", c.ev.ps.location(b.rng), inst.addr, t)
		return
	}
	c.ev.str(b, "name") // reports a name that cannot be known; the computed one stands in
	lb := config.LoadBalancer{Name: inst.value.GetAttr("name").AsString(), Attributes: map[string]string{}}
	for _, m := range loadBalancerAttributes {
		c.ev.setAttr(lb.Attributes, b, m[0], m[1])
	}
	for _, logs := range []string{"access_logs", "connection_logs"} {
		if len(b.children(logs)) > 0 {
			c.ev.notice("%s %s.%s: not imported; Albatross keeps its own logs (see docs/observability.md)", c.ev.ps.location(b.rng), inst.addr, logs)
		}
	}
	if len(lb.Attributes) == 0 {
		lb.Attributes = nil
	}
	c.lbs[arn] = len(c.cfg.LoadBalancers)
	c.source(fmt.Sprintf("load_balancers[%d]", len(c.cfg.LoadBalancers)), inst)
	c.cfg.LoadBalancers = append(c.cfg.LoadBalancers, lb)
}

func (c *converter) listener(inst *instance) {
	b := inst.body
	c.ev.required(b, "load_balancer_arn")
	lbARN, ok := c.ev.str(b, "load_balancer_arn")
	if !ok {
		return
	}
	if c.ignoredLBs[lbARN] {
		c.ev.notice("%s %s: skipped with its load balancer", c.ev.ps.location(b.rng), inst.addr)
		return
	}
	lbIdx, ok := c.lbs[lbARN]
	if !ok {
		a := b.attrs["load_balancer_arn"]
		c.ev.ps.add(a.expr.Range(), a.path, "%q is not a load balancer of this module", lbARN)
		return
	}
	l := config.Listener{Port: listenerPort(b)}
	if b.attrs["port"] != nil {
		l.Port, _ = c.ev.integer(b, "port") // reports a port that cannot be known
	}
	if p, ok := c.ev.str(b, "protocol"); ok {
		l.Protocol = strings.ToUpper(p)
	}
	switch l.Protocol {
	case "", config.ProtocolHTTP:
	case config.ProtocolHTTPS:
		c.certificates(inst, &l)
	default:
		c.ev.ps.add(b.attrs["protocol"].expr.Range(), inst.addr+".protocol", "must be HTTP or HTTPS for an application load balancer, got %q", l.Protocol)
	}
	if p, ok := c.ev.str(b, "ssl_policy"); ok {
		l.SSLPolicy = p
	}
	if m := b.children("mutual_authentication"); len(m) > 0 {
		if mode, _ := c.ev.str(m[0], "mode"); mode != "" && mode != config.MTLSModeOff {
			c.ev.ps.add(m[0].rng, m[0].path, "mutual TLS from Terraform is not supported; configure it in Albatross YAML")
		}
	}
	actions := b.children("default_action")
	if len(actions) == 0 {
		c.ev.ps.add(b.rng, inst.addr+".default_action", "is required")
	}
	l.DefaultActions = c.actions(actions)
	lb := &c.cfg.LoadBalancers[lbIdx]
	c.listeners[inst.value.GetAttr("arn").AsString()] = listenerAt{lb: lbIdx, listener: len(lb.Listeners)}
	c.source(fmt.Sprintf("load_balancers[%d].listeners[%d]", lbIdx, len(lb.Listeners)), inst)
	lb.Listeners = append(lb.Listeners, l)
}

// certificates: an HTTPS listener's certificate_arn names an ACM or IAM certificate that only
// AWS holds; --values gives its local PEM files as attr:ARN.certificate_file and
// attr:ARN.private_key_file.
func (c *converter) certificates(inst *instance, l *config.Listener) {
	b := inst.body
	c.ev.required(b, "certificate_arn")
	arn, ok := c.ev.str(b, "certificate_arn")
	if !ok {
		return
	}
	var files [2]string
	for i, k := range []string{"certificate_file", "private_key_file"} {
		key := "attr:" + arn + "." + k
		v, err := c.ev.opts.Values.Value(key)
		s, isString := v.(string)
		if err != nil || !isString {
			a := b.attrs["certificate_arn"]
			c.ev.ps.add(a.expr.Range(), a.path, "needed and not given: %s (the certificate's PEM file, in --values)", key)
			return
		}
		files[i] = resolvePath(c.ev.root, s)
	}
	l.Certificates = []config.Certificate{{CertificateFile: files[0], PrivateKeyFile: files[1]}}
}

func (c *converter) rule(inst *instance) {
	b := inst.body
	c.ev.required(b, "listener_arn")
	lARN, ok := c.ev.str(b, "listener_arn")
	if !ok {
		return
	}
	at, ok := c.listeners[lARN]
	if !ok {
		if !c.listenerIgnored(lARN) {
			a := b.attrs["listener_arn"]
			c.ev.ps.add(a.expr.Range(), a.path, "%q is not a listener of this module", lARN)
		}
		return
	}
	r := config.Rule{}
	for _, cb := range b.children("condition") {
		if cond, ok := c.condition(cb); ok {
			r.Conditions = append(r.Conditions, cond...)
		}
	}
	r.Actions = c.actions(b.children("action"))
	for _, tb := range b.children("transform") {
		if t, ok := c.transform(tb); ok {
			r.Transforms = append(r.Transforms, t)
		}
	}
	if len(b.children("action")) == 0 {
		c.ev.ps.add(b.rng, inst.addr+".action", "is required")
	}
	if len(b.children("condition")) == 0 {
		c.ev.ps.add(b.rng, inst.addr+".condition", "is required")
	}
	if p, ok := c.ev.integer(b, "priority"); ok {
		r.Priority = p
		c.appendRule(at, r, inst)
		return
	}
	if b.attrs["priority"] == nil {
		c.unnumbered = append(c.unnumbered, unnumberedRule{at: at, rule: r, inst: inst})
	}
}

func (c *converter) appendRule(at listenerAt, r config.Rule, inst *instance) {
	l := &c.cfg.LoadBalancers[at.lb].Listeners[at.listener]
	c.source(fmt.Sprintf("load_balancers[%d].listeners[%d].rules[%d]", at.lb, at.listener, len(l.Rules)), inst)
	l.Rules = append(l.Rules, r)
}

// listenerIgnored: a listener ARN built from an ignored load balancer's ARN.
func (c *converter) listenerIgnored(lARN string) bool {
	for arn := range c.ignoredLBs {
		if n, ok := lbNameOf(arn); ok && strings.Contains(lARN, ":listener/app/"+n+"/") {
			return true
		}
	}
	return false
}

// numberRules gives each rule without a priority the next one after the listener's highest, in
// declaration order, as the AWS provider does when it creates them one after another.
func (c *converter) numberRules() {
	for _, u := range c.unnumbered {
		l := &c.cfg.LoadBalancers[u.at.lb].Listeners[u.at.listener]
		highest := 0
		for _, r := range l.Rules {
			highest = max(highest, r.Priority)
		}
		u.rule.Priority = highest + 1
		c.appendRule(u.at, u.rule, u.inst)
		c.ev.notice("%s %s: no priority; given %d, the next after the listener's highest", c.ev.ps.location(u.inst.body.rng), u.inst.addr, u.rule.Priority)
	}
}
