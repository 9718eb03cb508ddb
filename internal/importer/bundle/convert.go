package bundle

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/lambdacode"
)

// converter builds the configuration from a decoded bundle.
type converter struct {
	opts Options
	ps   *problems
	dir  string
	b    *Bundle
	cfg  *config.Config
	// tgNames maps target group ARNs to names.
	tgNames map[string]string
}

func (c *converter) notice(format string, args ...any) {
	if c.opts.Notice != nil {
		c.opts.Notice(fmt.Sprintf(format, args...))
	}
}

// source reports where the item at cfgPath came from: the bundle entry at p, and id (its ARN,
// or what else names it) when there is one.
func (c *converter) source(cfgPath string, p path, id string) {
	if c.opts.Source == nil {
		return
	}
	from := c.ps.file
	if n := c.ps.locate(p); n != nil {
		from = fmt.Sprintf("%s:%d:%d", c.ps.file, n.Line, n.Column)
	}
	from += " " + p.String()
	if id != "" {
		from += " (" + id + ")"
	}
	c.opts.Source(cfgPath, from)
}

// firstOf is the first of names that is set.
func firstOf(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return ""
}

func (c *converter) convert() {
	c.tgNames = map[string]string{}
	for _, e := range c.b.TargetGroups {
		c.tgNames[e.TargetGroup.TargetGroupArn] = e.TargetGroup.TargetGroupName
	}
	for i := range c.b.LoadBalancers {
		c.loadBalancer(path{"LoadBalancers", i}, &c.b.LoadBalancers[i])
	}
	for i := range c.b.TargetGroups {
		c.targetGroup(path{"TargetGroups", i}, &c.b.TargetGroups[i])
	}
	for i := range c.b.Functions {
		c.function(path{"Functions", i}, &c.b.Functions[i])
	}
}

// attributes keeps the attributes Albatross knows whose values differ from the defaults (so
// the configuration says only what the ALB changed); logs are Albatross's own.
func (c *converter) attributes(p path, attrs []Attribute, defaults map[string]string) map[string]string {
	out := map[string]string{}
	for i, a := range attrs {
		def, known := defaults[a.Key]
		switch {
		case strings.HasPrefix(a.Key, "access_logs.") || strings.HasPrefix(a.Key, "connection_logs.") || strings.HasPrefix(a.Key, "health_check_logs."):
			if a.Value != def && a.Value != "" {
				c.notice("%s %s: %s not imported; Albatross keeps its own logs", c.ps.file, p.idx(i), a.Key)
			}
		case !known:
			c.notice("%s %s: attribute %s is not one Albatross implements; skipped", c.ps.file, p.idx(i), a.Key)
		case a.Value != def:
			out[a.Key] = a.Value
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (c *converter) loadBalancer(p path, e *LoadBalancerEntry) {
	lb := e.LoadBalancer
	if lb.Type != "" && lb.Type != "application" {
		c.notice("%s %s: skipped, a %s load balancer (Albatross is an application load balancer)", c.ps.file, p, lb.Type)
		return
	}
	out := config.LoadBalancer{Name: lb.LoadBalancerName,
		Attributes: c.attributes(p.key("Attributes"), e.Attributes, config.LoadBalancerAttributeDefaults())}
	cfgPath := fmt.Sprintf("load_balancers[%d]", len(c.cfg.LoadBalancers))
	c.source(cfgPath, p, firstOf(lb.LoadBalancerArn, lb.LoadBalancerName))
	for i := range e.Listeners {
		lp := fmt.Sprintf("%s.listeners[%d]", cfgPath, len(out.Listeners))
		if l, ok := c.listener(p.key("Listeners").idx(i), &e.Listeners[i], lp); ok {
			c.source(lp, p.key("Listeners").idx(i), e.Listeners[i].Listener.ListenerArn)
			out.Listeners = append(out.Listeners, l)
		}
	}
	c.cfg.LoadBalancers = append(c.cfg.LoadBalancers, out)
}

// listener converts a listener that goes to cfgPath, where its rules' sources are reported.
func (c *converter) listener(p path, e *ListenerEntry, cfgPath string) (config.Listener, bool) {
	l := e.Listener
	out := config.Listener{Port: l.Port, Protocol: l.Protocol, SSLPolicy: l.SslPolicy,
		Attributes: c.attributes(p.key("Attributes"), e.Attributes, config.Listener{}.EffectiveAttributes())}
	lp := p.key("Listener")
	switch l.Protocol {
	case config.ProtocolHTTP, "":
		out.SSLPolicy = ""
	case config.ProtocolHTTPS:
		out.Certificates = c.certificates(lp.key("Certificates"), l.Certificates)
	default:
		c.ps.add(lp.key("Protocol"), lp.key("Protocol").String(), "must be HTTP or HTTPS for an application load balancer, got %q", l.Protocol)
		return out, false
	}
	if m := l.MutualAuthentication; m != nil && m.Mode != "" && m.Mode != config.MTLSModeOff {
		if m.Mode == config.MTLSModePassthrough {
			out.MutualAuthentication = &config.MutualAuthentication{Mode: m.Mode}
		} else {
			c.ps.add(lp.key("MutualAuthentication"), lp.key("MutualAuthentication").String(), "mutual TLS verify mode needs a trust store, which the bundle does not hold; configure it in Albatross YAML")
		}
	}
	for i, a := range l.DefaultActions {
		if act, ok := c.action(lp.key("DefaultActions").idx(i), a); ok {
			out.DefaultActions = append(out.DefaultActions, act)
		}
	}
	for i, r := range e.Rules {
		rp := p.key("Rules").idx(i)
		if r.IsDefault || r.Priority == "default" {
			continue // the default rule is the listener's default actions
		}
		if rule, ok := c.rule(rp, r); ok {
			c.source(fmt.Sprintf("%s.rules[%d]", cfgPath, len(out.Rules)), rp, r.RuleArn)
			out.Rules = append(out.Rules, rule)
		}
	}
	return out, true
}

// certificates maps certificate ARNs to local PEM files given in --values as
// attr:ARN.certificate_file and attr:ARN.private_key_file; the default certificate comes first.
func (c *converter) certificates(p path, certs []Certificate) []config.Certificate {
	var out []config.Certificate
	for i, cert := range certs {
		var files [2]string
		for j, k := range []string{"certificate_file", "private_key_file"} {
			key := "attr:" + cert.CertificateArn + "." + k
			v, err := c.opts.Values.Value(key)
			s, ok := v.(string)
			if err != nil || !ok {
				c.ps.add(p.idx(i), p.idx(i).String(), "needed and not given: %s (the certificate's PEM file, in --values)", key)
				return nil
			}
			files[j] = s
		}
		cc := config.Certificate{CertificateFile: files[0], PrivateKeyFile: files[1]}
		if cert.IsDefault != nil && *cert.IsDefault {
			out = append([]config.Certificate{cc}, out...)
		} else {
			out = append(out, cc)
		}
	}
	return out
}

func (c *converter) rule(p path, r Rule) (config.Rule, bool) {
	prio, err := strconv.Atoi(r.Priority)
	if err != nil {
		c.ps.add(p.key("Priority"), p.key("Priority").String(), "must be a number or \"default\", got %q", r.Priority)
		return config.Rule{}, false
	}
	out := config.Rule{Priority: prio}
	for _, cond := range r.Conditions {
		out.Conditions = append(out.Conditions, condition(cond))
	}
	for i, a := range r.Actions {
		if act, ok := c.action(p.key("Actions").idx(i), a); ok {
			out.Actions = append(out.Actions, act)
		}
	}
	for _, t := range r.Transforms {
		tr := config.Transform{Type: t.Type, HostHeaderRewriteConfig: rewrites(t.HostHeaderRewriteConfig), URLRewriteConfig: rewrites(t.URLRewriteConfig)}
		out.Transforms = append(out.Transforms, tr)
	}
	return out, true
}

// condition converts a RuleCondition. DescribeRules returns host and path values both in the
// legacy Values and in the typed config; the typed config wins.
func condition(in Condition) config.Condition {
	vc := func(v *ValuesConfig) *config.ValuesConfig {
		if v == nil {
			return nil
		}
		return &config.ValuesConfig{Values: v.Values, RegexValues: v.RegexValues}
	}
	out := config.Condition{Field: in.Field,
		HostHeaderConfig: vc(in.HostHeaderConfig), PathPatternConfig: vc(in.PathPatternConfig),
		HTTPRequestMethodConfig: vc(in.HTTPRequestMethodConfig), SourceIPConfig: vc(in.SourceIPConfig)}
	if h := in.HTTPHeaderConfig; h != nil {
		out.HTTPHeaderConfig = &config.HTTPHeaderConfig{HTTPHeaderName: h.HTTPHeaderName, Values: h.Values, RegexValues: h.RegexValues}
	}
	if q := in.QueryStringConfig; q != nil {
		out.QueryStringConfig = &config.QueryStringConfig{}
		for _, kv := range q.Values {
			out.QueryStringConfig.Values = append(out.QueryStringConfig.Values, config.KeyValue{Key: kv.Key, Value: kv.Value})
		}
	}
	typed := out.HostHeaderConfig != nil || out.PathPatternConfig != nil || out.HTTPRequestMethodConfig != nil ||
		out.SourceIPConfig != nil || out.HTTPHeaderConfig != nil || out.QueryStringConfig != nil
	if !typed {
		out.Values = in.Values
	}
	return out
}

func rewrites(r *RewriteConfig) *config.RewriteConfig {
	if r == nil {
		return nil
	}
	out := &config.RewriteConfig{}
	for _, rw := range r.Rewrites {
		out.Rewrites = append(out.Rewrites, config.Rewrite{Regex: rw.Regex, Replace: rw.Replace})
	}
	return out
}

// action converts an action; target groups are named by the bundle's ARNs. A forward action
// that DescribeRules returns with both TargetGroupArn and ForwardConfig keeps ForwardConfig.
func (c *converter) action(p path, a Action) (config.Action, bool) {
	out := config.Action{Type: a.Type, Order: a.Order}
	switch a.Type {
	case config.ActionForward:
		if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			fc := &config.ForwardConfig{}
			for i, t := range a.ForwardConfig.TargetGroups {
				tp := p.key("ForwardConfig").key("TargetGroups").idx(i).key("TargetGroupArn")
				fc.TargetGroups = append(fc.TargetGroups, config.TargetGroupTuple{TargetGroupName: c.tgName(tp, t.TargetGroupArn), Weight: t.Weight})
			}
			if s := a.ForwardConfig.TargetGroupStickinessConfig; s != nil && s.Enabled {
				fc.TargetGroupStickinessConfig = &config.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: s.DurationSeconds}
			}
			out.ForwardConfig = fc
		} else {
			out.TargetGroupName = c.tgName(p.key("TargetGroupArn"), a.TargetGroupArn)
		}
	case config.ActionRedirect:
		if r := a.RedirectConfig; r != nil {
			out.RedirectConfig = &config.RedirectConfig{Protocol: r.Protocol, Port: r.Port, Host: r.Host, Path: r.Path, Query: r.Query, StatusCode: r.StatusCode}
		}
	case config.ActionFixedResponse:
		if f := a.FixedResponseConfig; f != nil {
			out.FixedResponseConfig = &config.FixedResponseConfig{StatusCode: f.StatusCode, ContentType: f.ContentType, MessageBody: f.MessageBody}
		}
	default:
		c.ps.add(p.key("Type"), p.key("Type").String(), "%s actions are not supported by Albatross", a.Type)
		return out, false
	}
	return out, true
}

func (c *converter) tgName(p path, arn string) string {
	name, ok := c.tgNames[arn]
	if !ok {
		c.ps.add(p, p.String(), "target group %q is not in the bundle", arn)
	}
	return name
}

func (c *converter) targetGroup(p path, e *TargetGroupEntry) {
	tg := e.TargetGroup
	out := config.TargetGroup{Name: tg.TargetGroupName, TargetType: tg.TargetType,
		HealthCheckEnabled: tg.HealthCheckEnabled, HealthCheckPath: tg.HealthCheckPath,
		HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds, HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds,
		HealthyThresholdCount: tg.HealthyThresholdCount, UnhealthyThresholdCount: tg.UnhealthyThresholdCount,
		Attributes: c.attributes(p.key("Attributes"), e.Attributes, config.TargetGroupAttributeDefaults(tg.TargetType))}
	if m := tg.Matcher; m != nil {
		out.Matcher = &config.Matcher{HTTPCode: m.HTTPCode, GrpcCode: m.GrpcCode}
	}
	lambda := out.EffectiveTargetType() == config.TargetTypeLambda
	if !lambda {
		out.Protocol, out.ProtocolVersion, out.Port = tg.Protocol, tg.ProtocolVersion, tg.Port
		out.HealthCheckProtocol, out.HealthCheckPort = tg.HealthCheckProtocol, tg.HealthCheckPort
	}
	for i, d := range e.TargetHealthDescriptions {
		tp := p.key("TargetHealthDescriptions").idx(i).key("Target").key("Id")
		t := config.Target{ID: d.Target.ID, Port: d.Target.Port, AvailabilityZone: d.Target.AvailabilityZone}
		if lambda {
			t.Port = 0
		} else if !c.mapTarget(tp, &t) {
			continue
		}
		// The target as the ALB knew it: a mapped one's id and port are local now.
		id := d.Target.ID
		if d.Target.Port != 0 && !lambda {
			id += ":" + strconv.Itoa(d.Target.Port)
		}
		c.source(fmt.Sprintf("target_groups[%d].targets[%d]", len(c.cfg.TargetGroups), len(out.Targets)), p.key("TargetHealthDescriptions").idx(i), id)
		out.Targets = append(out.Targets, t)
	}
	c.source(fmt.Sprintf("target_groups[%d]", len(c.cfg.TargetGroups)), p, firstOf(tg.TargetGroupArn, tg.TargetGroupName))
	c.cfg.TargetGroups = append(c.cfg.TargetGroups, out)
}

// mapTarget maps an instance or IP target to a local address from --values targets (by id, then
// id:port); an IP address without a mapping is used as it is.
func (c *converter) mapTarget(p path, t *config.Target) bool {
	addr, err := c.opts.Values.Target(t.ID, t.Port)
	if err != nil {
		if _, ipErr := netip.ParseAddr(t.ID); ipErr == nil {
			return true
		}
		c.ps.add(p, p.String(), "%v (the local HOST:PORT of target %s, in --values targets)", err, t.ID)
		return false
	}
	host, portStr, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		t.ID = addr
		return true
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		c.ps.add(p, p.String(), "--values targets maps %q to %q, which is not HOST:PORT", t.ID, addr)
		return false
	}
	t.ID, t.Port = host, port
	return true
}

func (c *converter) function(p path, f *GetFunctionOutput) {
	cf := f.Configuration
	out := config.Function{FunctionName: cf.FunctionName, Runtime: cf.Runtime, Handler: cf.Handler,
		Description: cf.Description, Timeout: cf.Timeout, MemorySize: cf.MemorySize}
	if cf.Environment != nil && len(cf.Environment.Variables) > 0 {
		out.Environment = &config.Environment{Variables: cf.Environment.Variables}
	}
	if f.Concurrency != nil {
		out.ReservedConcurrentExecutions = f.Concurrency.ReservedConcurrentExecutions
	}
	if cf.PackageType == "Image" || f.Code.ImageURI != "" {
		c.ps.add(p.key("Configuration").key("PackageType"), p.String(), "container-image functions are not supported; map a zip package instead")
		return
	}
	out.Code = c.code(p, f)
	c.source(fmt.Sprintf("functions[%d]", len(c.cfg.Functions)), p, firstOf(cf.FunctionArn, cf.FunctionName))
	c.cfg.Functions = append(c.cfg.Functions, out)
}

// code finds a function's local code: --values code by function name, ARN or code location;
// else a file:// location that exists here (what Albatross's own GetFunction returns).
func (c *converter) code(p path, f *GetFunctionOutput) string {
	root := c.opts.CodeDir
	if root == "" {
		root = lambdacode.DefaultRoot()
	}
	cf := f.Configuration
	var firstErr error
	for _, key := range []string{cf.FunctionName, cf.FunctionArn, f.Code.Location} {
		if key == "" {
			continue
		}
		local, err := c.opts.Values.Code(key)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if c.opts.Read != nil {
			c.opts.Read(local)
		}
		dir, err := lambdacode.Folder(local, root)
		if err != nil {
			c.ps.add(p.key("Configuration").key("FunctionName"), p.String(), "--values code for %s: %v", key, err)
			return ""
		}
		return dir
	}
	if local, ok := strings.CutPrefix(f.Code.Location, "file://"); ok {
		if st, err := os.Stat(local); err == nil && st.IsDir() {
			c.notice("%s %s: code from %s", c.ps.file, p, f.Code.Location)
			return local
		}
	}
	c.ps.add(p.key("Configuration").key("FunctionName"), p.String(), "%v (a local zip or folder for function %s, in --values code)", firstErr, cf.FunctionName)
	return ""
}
