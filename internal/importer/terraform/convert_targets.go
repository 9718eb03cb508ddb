package terraform

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
)

// targetGroupAttributes maps aws_lb_target_group arguments to target group attributes.
var targetGroupAttributes = [][2]string{
	{"deregistration_delay", config.AttrDeregistrationDelay},
	{"slow_start", config.AttrSlowStartSeconds},
	{"load_balancing_algorithm_type", config.AttrAlgorithmType},
	{"load_balancing_anomaly_mitigation", config.AttrAnomalyMitigation},
	{"load_balancing_cross_zone_enabled", config.AttrCrossZoneEnabled},
	{"lambda_multi_value_headers_enabled", config.AttrLambdaMultiValueHeaders},
}

// Provider defaults inside a health_check block (the AWS provider's aws_lb_target_group
// documentation): enabled, both thresholds 3 and a 30 second interval. Without the block the
// provider sends nothing and the ELBv2 defaults apply.
const (
	providerHealthThreshold = 3
	providerHealthInterval  = 30
)

func (c *converter) targetGroup(inst *instance) {
	ev, b := c.ev, inst.body
	ev.str(b, "name") // reports a name that cannot be known; the computed one stands in
	tg := config.TargetGroup{Name: inst.value.GetAttr("name").AsString(), Attributes: map[string]string{}}
	tg.TargetType, _ = ev.str(b, "target_type")
	if tg.EffectiveTargetType() != config.TargetTypeLambda {
		tg.Port, _ = ev.integer(b, "port")
		tg.Protocol, _ = ev.str(b, "protocol")
		tg.ProtocolVersion, _ = ev.str(b, "protocol_version")
	}
	for _, m := range targetGroupAttributes {
		ev.setAttr(tg.Attributes, b, m[0], m[1])
	}
	if hc := b.children("health_check"); len(hc) > 0 {
		c.healthCheck(hc[0], &tg)
	}
	if st := b.children("stickiness"); len(st) > 0 {
		c.stickiness(st[0], &tg)
	}
	if len(tg.Attributes) == 0 {
		tg.Attributes = nil
	}
	c.tgs[inst.value.GetAttr("arn").AsString()] = len(c.cfg.TargetGroups)
	c.source(fmt.Sprintf("target_groups[%d]", len(c.cfg.TargetGroups)), inst)
	c.cfg.TargetGroups = append(c.cfg.TargetGroups, tg)
}

func (c *converter) healthCheck(b *block, tg *config.TargetGroup) {
	ev := c.ev
	enabled := true
	if e, ok := ev.boolean(b, "enabled"); ok {
		enabled = e
	}
	tg.HealthCheckEnabled = &enabled
	tg.HealthCheckPath, _ = ev.str(b, "path")
	tg.HealthCheckPort, _ = ev.str(b, "port")
	tg.HealthCheckProtocol, _ = ev.str(b, "protocol")
	threshold, interval := providerHealthThreshold, providerHealthInterval
	tg.HealthyThresholdCount = orDefault(ev.intPtr(b, "healthy_threshold"), threshold)
	tg.UnhealthyThresholdCount = orDefault(ev.intPtr(b, "unhealthy_threshold"), threshold)
	tg.HealthCheckIntervalSeconds = orDefault(ev.intPtr(b, "interval"), interval)
	tg.HealthCheckTimeoutSeconds = ev.intPtr(b, "timeout")
	if m, ok := ev.str(b, "matcher"); ok {
		if tg.ProtocolVersion == config.ProtocolVersionGRPC {
			tg.Matcher = &config.Matcher{GrpcCode: m}
		} else {
			tg.Matcher = &config.Matcher{HTTPCode: m}
		}
	}
}

func orDefault(p *int, def int) *int {
	if p != nil {
		return p
	}
	return &def
}

// stickiness maps the stickiness block to the stickiness attributes (enabled by default when
// the block is present, lb_cookie duration 86400 s as the provider documents).
func (c *converter) stickiness(b *block, tg *config.TargetGroup) {
	ev := c.ev
	enabled := true
	if e, ok := ev.boolean(b, "enabled"); ok {
		enabled = e
	}
	tg.Attributes[config.AttrStickinessEnabled] = strconv.FormatBool(enabled)
	ev.required(b, "type")
	t, _ := ev.str(b, "type")
	if t != "" {
		tg.Attributes[config.AttrStickinessType] = t
	}
	switch t {
	case "lb_cookie":
		ev.setAttr(tg.Attributes, b, "cookie_duration", config.AttrStickinessLBCookieSeconds)
	case "app_cookie":
		ev.setAttr(tg.Attributes, b, "cookie_duration", config.AttrStickinessAppCookieSecs)
		ev.setAttr(tg.Attributes, b, "cookie_name", config.AttrStickinessAppCookieName)
	}
}

// attachment registers a target. A lambda target is the function's ARN (qualified by an alias
// or not); an instance or IP target is mapped to a local address by --values targets, keyed by
// the id (a resource Albatross does not build has its address as id, e.g. aws_instance.web[0]).
// An IP address without a mapping is used as it is.
func (c *converter) attachment(inst *instance) {
	ev, b := c.ev, inst.body
	ev.required(b, "target_group_arn")
	ev.required(b, "target_id")
	arn, ok1 := ev.str(b, "target_group_arn")
	id, ok2 := ev.str(b, "target_id")
	if !ok1 || !ok2 {
		return
	}
	i, ok := c.tgs[arn]
	if !ok {
		a := b.attrs["target_group_arn"]
		ev.ps.add(a.expr.Range(), a.path, "%q is not a target group of this module", arn)
		return
	}
	tg := &c.cfg.TargetGroups[i]
	t := config.Target{ID: id}
	t.Port, _ = ev.integer(b, "port")
	t.AvailabilityZone, _ = ev.str(b, "availability_zone")
	if tg.EffectiveTargetType() != config.TargetTypeLambda {
		addr, err := ev.opts.Values.Target(id, t.Port)
		switch {
		case err == nil:
			host, port, ok := splitTarget(addr)
			if !ok {
				ev.ps.add(b.attrs["target_id"].expr.Range(), inst.addr+".target_id", "--values targets maps %q to %q, which is not HOST or HOST:PORT", id, addr)
				return
			}
			t.ID = host
			if port != 0 {
				t.Port = port
			}
		case !isIP(id):
			ev.ps.add(b.attrs["target_id"].expr.Range(), inst.addr+".target_id", "%v (the local HOST:PORT of target %s, in --values targets)", err, id)
			return
		}
	}
	c.source(fmt.Sprintf("target_groups[%d].targets[%d]", i, len(tg.Targets)), inst)
	tg.Targets = append(tg.Targets, t)
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// splitTarget reads HOST:PORT or HOST.
func splitTarget(addr string) (string, int, bool) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		if strings.Contains(addr, ":") && !isIP(addr) || addr == "" {
			return "", 0, false
		}
		return addr, 0, true
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 || host == "" {
		return "", 0, false
	}
	return host, port, true
}
