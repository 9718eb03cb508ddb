package config

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Target group limits (§2.5 quotas, TG-01, §4.2).
const (
	maxTargetsPerTG       = 1000
	maxLambdaTargetsPerTG = 1
	maxHealthCheckPathLen = 1024
)

// Protocol versions of instance and ip target groups (TG-02).
const (
	ProtocolVersionHTTP1 = "HTTP1"
	ProtocolVersionHTTP2 = "HTTP2"
	ProtocolVersionGRPC  = "GRPC"
)

// targetGroups indexes and checks every target group.
func (v *validator) targetGroups() {
	for i := range v.cfg.TargetGroups {
		tg := &v.cfg.TargetGroups[i]
		p := idx("target_groups", i)
		v.elbName(key(p, "name"), tg.Name)
		if j, dup := v.tgs[tg.Name]; dup && tg.Name != "" {
			v.ps.Add(key(p, "name"), "duplicate target group name %q (also target_groups[%d])", tg.Name, j)
		} else if tg.Name != "" {
			v.tgs[tg.Name] = i
		}
		v.targetGroup(p, tg)
	}
}

// targetGroup checks one target group: type, protocol and port, targets, health check and
// attributes.
func (v *validator) targetGroup(p string, tg *TargetGroup) {
	switch tg.TargetType {
	case "", TargetTypeInstance, TargetTypeIP:
		v.networkTargetGroup(p, tg)
	case TargetTypeLambda:
		v.lambdaTargetGroup(p, tg)
	default:
		v.ps.Add(key(p, "target_type"), "must be instance, ip or lambda (TG-01), got %q", tg.TargetType)
		return
	}
	v.healthCheck(p, tg)
	v.attributes(key(p, "attributes"), tg.Attributes, targetGroupAttributes, tg.EffectiveTargetType())
	v.targetGroupAttributeCombos(key(p, "attributes"), tg)
}

// networkTargetGroup checks protocol, port and targets of an instance or ip target group (TG-02).
func (v *validator) networkTargetGroup(p string, tg *TargetGroup) {
	switch tg.Protocol {
	case "", ProtocolHTTP, ProtocolHTTPS:
	default:
		v.ps.Add(key(p, "protocol"), "must be HTTP or HTTPS (TG-02), got %q", tg.Protocol)
	}
	switch tg.ProtocolVersion {
	case "", ProtocolVersionHTTP1, ProtocolVersionHTTP2, ProtocolVersionGRPC:
	default:
		v.ps.Add(key(p, "protocol_version"), "must be HTTP1, HTTP2 or GRPC (TG-02), got %q", tg.ProtocolVersion)
	}
	if tg.Port < 1 || tg.Port > 65535 {
		v.ps.Add(key(p, "port"), "is required for %s target groups: 1..65535 (TG-02), got %d", tg.EffectiveTargetType(), tg.Port)
	}
	if len(tg.Targets) > maxTargetsPerTG {
		v.ps.Add(key(p, "targets"), "at most %d targets per target group (§2.5 quota), got %d", maxTargetsPerTG, len(tg.Targets))
	}
	seen := map[string]int{}
	for i, t := range tg.Targets {
		tp := idx(key(p, "targets"), i)
		v.networkTarget(tp, tg.EffectiveTargetType(), t)
		id := t.ID + ":" + strconv.Itoa(t.Port)
		if j, dup := seen[id]; dup {
			v.ps.Add(tp, "duplicate target (also targets[%d])", j)
		} else {
			seen[id] = i
		}
	}
}

// hostNameRe is a DNS host name: dot-separated labels of letters, digits and inner hyphens.
var hostNameRe = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*$`)

// networkTarget checks one instance or ip target. Instance targets stand for EC2 instances;
// Albatross takes an IP address or a host name there.
func (v *validator) networkTarget(p, targetType string, t Target) {
	_, ipErr := netip.ParseAddr(t.ID)
	switch {
	case t.ID == "":
		v.ps.Add(key(p, "id"), "is required")
	case targetType == TargetTypeIP && ipErr != nil:
		v.ps.Add(key(p, "id"), "must be an IP address for ip target groups, got %q", t.ID)
	case ipErr != nil && (len(t.ID) > 253 || !hostNameRe.MatchString(t.ID)):
		v.ps.Add(key(p, "id"), "must be an IP address or a host name, got %q", t.ID)
	}
	if t.Port != 0 && (t.Port < 1 || t.Port > 65535) {
		v.ps.Add(key(p, "port"), "must be 1..65535, got %d", t.Port)
	}
}

// lambdaTargetGroup checks a lambda target group: no protocol, port or protocol version, and at
// most one target naming a configured function (TG-01).
func (v *validator) lambdaTargetGroup(p string, tg *TargetGroup) {
	if tg.Protocol != "" {
		v.ps.Add(key(p, "protocol"), "does not apply to lambda target groups (TG-01)")
	}
	if tg.Port != 0 {
		v.ps.Add(key(p, "port"), "does not apply to lambda target groups (TG-01)")
	}
	if tg.ProtocolVersion != "" {
		v.ps.Add(key(p, "protocol_version"), "does not apply to lambda target groups (TG-01)")
	}
	if len(tg.Targets) > maxLambdaTargetsPerTG {
		v.ps.Add(key(p, "targets"), "a lambda target group holds at most one function (TG-01), got %d", len(tg.Targets))
	}
	for i, t := range tg.Targets {
		tp := idx(key(p, "targets"), i)
		if t.Port != 0 {
			v.ps.Add(key(tp, "port"), "does not apply to lambda targets")
		}
		v.functionRef(key(tp, "id"), t.ID)
	}
}

// functionRef checks that a lambda target names a configured function, by name or by ARN
// arn:aws:lambda:<region>:<account>:function:<name>[:qualifier].
func (v *validator) functionRef(p, ref string) {
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		n, _, ok := ParseFunctionARN(ref)
		if !ok {
			v.ps.Add(p, "must be a function name or ARN arn:aws:lambda:<region>:<account>:function:<name>, got %q", ref)
			return
		}
		name = n
	}
	switch _, ok := v.fns[name]; {
	case name == "":
		v.ps.Add(p, "is required")
	case !ok:
		v.ps.Add(p, "function %q is not defined in functions", name)
	}
}

// targetGroupAttributeCombos checks attribute combinations AWS refuses.
func (v *validator) targetGroupAttributeCombos(p string, tg *TargetGroup) {
	if tg.EffectiveTargetType() == TargetTypeLambda {
		return
	}
	alg := tg.Attribute(AttrAlgorithmType)
	if tg.Attribute(AttrAnomalyMitigation) == "on" && alg != "weighted_random" {
		v.ps.Add(mapKey(p, AttrAnomalyMitigation), "needs load_balancing.algorithm.type weighted_random (ALG-01)")
	}
	if alg == "least_outstanding_requests" && tg.Attribute(AttrSlowStartSeconds) != "0" {
		v.ps.Add(mapKey(p, AttrSlowStartSeconds), "slow start cannot be combined with least_outstanding_requests (ALG-02)")
	}
	if tg.Attribute(AttrStickinessEnabled) == "true" && tg.Attribute(AttrStickinessType) == "app_cookie" &&
		tg.Attribute(AttrStickinessAppCookieName) == "" {
		v.ps.Add(mapKey(p, AttrStickinessAppCookieName), "is required for app_cookie stickiness (STK-01)")
	}
}
