package cloudformation

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
)

func (x *translator) loadBalancer(r *resource, p props) {
	if typ := p.str("Type"); typ != "" && typ != "application" {
		p.problem("Type", "a %s load balancer is not supported: Albatross is an application load balancer", typ)
		return
	}
	lb := config.LoadBalancer{Name: x.t.name(r), Attributes: x.keyValues(p.value("LoadBalancerAttributes"), p, "LoadBalancerAttributes")}
	x.lbIndex[r.id] = len(x.cfg.LoadBalancers)
	x.source(fmt.Sprintf("load_balancers[%d]", len(x.cfg.LoadBalancers)), r)
	x.cfg.LoadBalancers = append(x.cfg.LoadBalancers, lb)
}

// lookup finds the translated resource of type typ that an ARN property names.
func (x *translator) lookup(arn string, typ string) *resource {
	return x.t.byARNOf(arn, typ)
}

func (x *translator) listener(r *resource, p props) {
	lbARN := p.str("LoadBalancerArn")
	li, ok := x.lbIndex[idOf(x.lookup(lbARN, typeLoadBalancer))]
	if !ok {
		switch {
		case lbARN != "":
			p.problem("LoadBalancerArn", "%q is not a load balancer of this template", lbARN)
		case !yamlProp(p, "LoadBalancerArn"):
			p.problem("LoadBalancerArn", "is required")
		}
		return
	}
	l := config.Listener{Protocol: p.str("Protocol"), SSLPolicy: p.str("SslPolicy"),
		Attributes: x.keyValues(p.value("ListenerAttributes"), p, "ListenerAttributes")}
	switch l.Protocol {
	case "", "HTTP", "HTTPS":
	default:
		p.problem("Protocol", "%s is a network load balancer protocol: an application load balancer listens on HTTP or HTTPS", l.Protocol)
	}
	if port := p.intp("Port"); port != nil {
		l.Port = *port
	} else {
		p.problem("Port", "is required")
	}
	for i, c := range list(p.value("Certificates")) {
		if cert, ok := x.certificate(m(c, "CertificateArn"), p, fmt.Sprintf("Certificates[%d].CertificateArn", i)); ok {
			l.Certificates = append(l.Certificates, cert)
		}
	}
	if ma := p.value("MutualAuthentication"); ma != nil {
		mode := x.str(m(ma, "Mode"), p, "MutualAuthentication.Mode")
		if mode == config.MTLSModeVerify {
			p.problem("MutualAuthentication.TrustStoreArn", "verify mode needs a trust store, which Albatross reads from files: write the listener in Albatross YAML")
		}
		l.MutualAuthentication = &config.MutualAuthentication{Mode: mode}
	}
	l.DefaultActions = x.actions(p.value("DefaultActions"), p, "DefaultActions")
	lb := &x.cfg.LoadBalancers[li]
	x.listenerIndex[r.id] = [2]int{li, len(lb.Listeners)}
	x.source(fmt.Sprintf("load_balancers[%d].listeners[%d]", li, len(lb.Listeners)), r)
	lb.Listeners = append(lb.Listeners, l)
}

func yamlProp(p props, name string) bool { return p.node != nil && p.at(name) != p.node }

func idOf(r *resource) string {
	if r == nil {
		return ""
	}
	return r.id
}

// certificate maps an ACM or IAM certificate ARN to local PEM files, given in --values as
// acm:<arn>: {certificate_file: ..., private_key_file: ...} (paths relative to the values file).
func (x *translator) certificate(v any, p props, sub string) (config.Certificate, bool) {
	arn := x.str(v, p, sub)
	if arn == "" {
		return config.Certificate{}, false
	}
	pair, err := x.t.opts.Values.Value("acm:" + arn)
	if err != nil {
		p.problem(sub, "%v (a map with certificate_file and private_key_file)", err)
		return config.Certificate{}, false
	}
	c := config.Certificate{CertificateFile: toString(m(pair, "certificate_file")), PrivateKeyFile: toString(m(pair, "private_key_file"))}
	if m(pair, "certificate_file") == nil || m(pair, "private_key_file") == nil {
		p.problem(sub, "values[\"acm:%s\"] must be a map with certificate_file and private_key_file", arn)
		return config.Certificate{}, false
	}
	if dir := x.valuesDir(); dir != "" {
		for _, f := range []*string{&c.CertificateFile, &c.PrivateKeyFile} {
			if !filepath.IsAbs(*f) {
				*f = filepath.Join(dir, *f)
			}
		}
	}
	return c, true
}

func (x *translator) valuesDir() string {
	if x.t.opts.Values == nil || x.t.opts.Values.Path == "" {
		return ""
	}
	abs, err := filepath.Abs(x.t.opts.Values.Path)
	if err != nil {
		return ""
	}
	return filepath.Dir(abs)
}

// listenerOf finds the translated listener an ARN property names.
func (x *translator) listenerOf(p props, prop string) (*config.Listener, [2]int, bool) {
	arn := p.str(prop)
	if arn == "" {
		if !yamlProp(p, prop) {
			p.problem(prop, "is required")
		}
		return nil, [2]int{}, false
	}
	idx, ok := x.listenerIndex[idOf(x.lookup(arn, typeListener))]
	if !ok {
		if idx, ok = x.externalListener(arn, p, prop); !ok {
			return nil, idx, false
		}
	}
	return &x.cfg.LoadBalancers[idx[0]].Listeners[idx[1]], idx, true
}

// externalListener is a listener of a load balancer outside the template (a serverless.yml
// listenerArn string, a rule added to a shared ALB). The values file describes it as
// listener:<arn>: {port: 80, protocol: HTTP}; Albatross then runs that load balancer (named as
// in the ARN) with that listener, whose default action, unknown here, is a fixed 404.
func (x *translator) externalListener(arn string, p props, prop string) ([2]int, bool) {
	if idx, ok := x.listenerIndex[arn]; ok {
		return idx, true
	}
	desc, err := x.t.opts.Values.Value("listener:" + arn)
	if err != nil {
		p.problem(prop, "%q is not a listener of this template: %v (a map with port and protocol)", arn, err)
		return [2]int{}, false
	}
	port, perr := strconv.Atoi(toString(m(desc, "port")))
	if perr != nil {
		p.problem(prop, "values[\"listener:%s\"].port must be a port number", arn)
		return [2]int{}, false
	}
	lbName := "external"
	if parts := strings.Split(arn, "/"); len(parts) >= 5 && parts[1] == "app" {
		lbName = parts[2]
	}
	li := -1
	for i, lb := range x.cfg.LoadBalancers {
		if lb.Name == lbName {
			li = i
		}
	}
	if li < 0 {
		li = len(x.cfg.LoadBalancers)
		x.cfg.LoadBalancers = append(x.cfg.LoadBalancers, config.LoadBalancer{Name: lbName})
		x.res.Sources[fmt.Sprintf("load_balancers[%d]", li)] = "values listener:" + arn
	}
	protocol, _ := m(desc, "protocol").(string)
	lb := &x.cfg.LoadBalancers[li]
	idx := [2]int{li, len(lb.Listeners)}
	lb.Listeners = append(lb.Listeners, config.Listener{Port: port, Protocol: protocol, DefaultActions: []config.Action{{
		Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404", ContentType: "text/plain",
			MessageBody: "no rule matched (the default action of " + arn + " is not known here)"}}}})
	x.res.Sources[fmt.Sprintf("load_balancers[%d].listeners[%d]", idx[0], idx[1])] = "values listener:" + arn
	x.listenerIndex[arn] = idx
	return idx, true
}

func (x *translator) listenerRule(r *resource, p props) {
	l, idx, ok := x.listenerOf(p, "ListenerArn")
	rule := config.Rule{
		Conditions: x.conditions(p.value("Conditions"), p, "Conditions"),
		Actions:    x.actions(p.value("Actions"), p, "Actions"),
		Transforms: x.transforms(p.value("Transforms"), p, "Transforms"),
	}
	if prio := p.intp("Priority"); prio != nil {
		rule.Priority = *prio
	} else {
		p.problem("Priority", "is required")
	}
	if !ok {
		return
	}
	x.source(fmt.Sprintf("load_balancers[%d].listeners[%d].rules[%d]", idx[0], idx[1], len(l.Rules)), r)
	l.Rules = append(l.Rules, rule)
}

func (x *translator) listenerCertificate(r *resource, p props) {
	l, _, ok := x.listenerOf(p, "ListenerArn")
	if !ok {
		return
	}
	for i, c := range list(p.value("Certificates")) {
		if cert, ok := x.certificate(m(c, "CertificateArn"), p, fmt.Sprintf("Certificates[%d].CertificateArn", i)); ok {
			if len(l.Certificates) == 0 {
				p.problem("Certificates", "the listener has no default certificate to add to")
				return
			}
			l.Certificates = append(l.Certificates, cert)
		}
	}
}

func (x *translator) targetGroup(r *resource, p props) {
	tg := config.TargetGroup{
		Name:                       x.t.name(r),
		TargetType:                 p.str("TargetType"),
		Protocol:                   p.str("Protocol"),
		ProtocolVersion:            p.str("ProtocolVersion"),
		HealthCheckEnabled:         p.boolp("HealthCheckEnabled"),
		HealthCheckProtocol:        p.str("HealthCheckProtocol"),
		HealthCheckPort:            p.str("HealthCheckPort"),
		HealthCheckPath:            p.str("HealthCheckPath"),
		HealthCheckIntervalSeconds: p.intp("HealthCheckIntervalSeconds"),
		HealthCheckTimeoutSeconds:  p.intp("HealthCheckTimeoutSeconds"),
		HealthyThresholdCount:      p.intp("HealthyThresholdCount"),
		UnhealthyThresholdCount:    p.intp("UnhealthyThresholdCount"),
		Attributes:                 x.keyValues(p.value("TargetGroupAttributes"), p, "TargetGroupAttributes"),
	}
	if port := p.intp("Port"); port != nil {
		tg.Port = *port
	}
	if mt := p.value("Matcher"); mt != nil {
		tg.Matcher = &config.Matcher{HTTPCode: x.str(m(mt, "HttpCode"), p, "Matcher.HttpCode"), GrpcCode: x.str(m(mt, "GrpcCode"), p, "Matcher.GrpcCode")}
	}
	for i, e := range list(p.value("Targets")) {
		sub := fmt.Sprintf("Targets[%d]", i)
		id := x.str(m(e, "Id"), p, sub+".Id")
		port := x.intp(m(e, "Port"), p, sub+".Port")
		t := config.Target{ID: id, AvailabilityZone: x.str(m(e, "AvailabilityZone"), p, sub+".AvailabilityZone")}
		if tg.TargetType != config.TargetTypeLambda && id != "" {
			// Instance ids and VPC addresses mean nothing here: --values maps each to a local address.
			want := tg.Port
			if port != nil {
				want = *port
			}
			addr, err := x.t.opts.Values.Target(id, want)
			if err != nil {
				p.problem(sub+".Id", "%v", err)
				continue
			}
			host, portNum, perr := splitHostPort(addr)
			if perr != nil {
				p.problem(sub+".Id", "targets[%q]: %v", id, perr)
				continue
			}
			t.ID, t.Port = host, portNum
		} else if port != nil {
			t.Port = *port
		}
		tg.Targets = append(tg.Targets, t)
	}
	x.tgIndex[r.id] = len(x.cfg.TargetGroups)
	x.source(fmt.Sprintf("target_groups[%d]", len(x.cfg.TargetGroups)), r)
	x.cfg.TargetGroups = append(x.cfg.TargetGroups, tg)
}
