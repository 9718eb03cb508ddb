package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Health-check ranges (§4.2), the same for every target type.
const (
	minHealthInterval  = 5
	maxHealthInterval  = 300
	minHealthTimeout   = 2
	maxHealthTimeout   = 120
	minHealthThreshold = 2
	maxHealthThreshold = 10
)

// HealthCheckPortTraffic is the health_check_port value meaning "the port of each target".
const HealthCheckPortTraffic = "traffic-port"

// healthCheck checks a target group's health-check settings (§4.2).
func (v *validator) healthCheck(p string, tg *TargetGroup) {
	lambda := tg.EffectiveTargetType() == TargetTypeLambda
	if !lambda && tg.HealthCheckEnabled != nil && !*tg.HealthCheckEnabled {
		v.ps.Add(key(p, "health_check_enabled"), "health checks cannot be disabled for instance and ip target groups (§4.2)")
	}
	switch {
	case lambda && tg.HealthCheckProtocol != "":
		v.ps.Add(key(p, "health_check_protocol"), "does not apply to lambda target groups (§4.2)")
	case tg.HealthCheckProtocol != "" && tg.HealthCheckProtocol != ProtocolHTTP && tg.HealthCheckProtocol != ProtocolHTTPS:
		v.ps.Add(key(p, "health_check_protocol"), "must be HTTP or HTTPS (§4.2), got %q", tg.HealthCheckProtocol)
	}
	switch hp := tg.HealthCheckPort; {
	case lambda && hp != "":
		v.ps.Add(key(p, "health_check_port"), "does not apply to lambda target groups (§4.2)")
	case hp != "" && hp != HealthCheckPortTraffic && intRange(1, 65535)(hp) != "":
		v.ps.Add(key(p, "health_check_port"), "must be traffic-port or 1..65535 (§4.2), got %q", hp)
	}
	if hc := tg.HealthCheckPath; hc != "" && (len(hc) > maxHealthCheckPathLen || !strings.HasPrefix(hc, "/") || hasControl(hc)) {
		v.ps.Add(key(p, "health_check_path"), "must be 1..1024 characters starting with / (§4.2), got %q", hc)
	}
	v.intIn(key(p, "health_check_interval_seconds"), tg.HealthCheckIntervalSeconds, minHealthInterval, maxHealthInterval)
	v.intIn(key(p, "health_check_timeout_seconds"), tg.HealthCheckTimeoutSeconds, minHealthTimeout, maxHealthTimeout)
	v.intIn(key(p, "healthy_threshold_count"), tg.HealthyThresholdCount, minHealthThreshold, maxHealthThreshold)
	v.intIn(key(p, "unhealthy_threshold_count"), tg.UnhealthyThresholdCount, minHealthThreshold, maxHealthThreshold)
	hc := tg.HealthCheck()
	inRange := func(n *int, lo, hi int) bool { return n == nil || *n >= lo && *n <= hi }
	if hc.Timeout >= hc.Interval && (tg.HealthCheckTimeoutSeconds != nil || tg.HealthCheckIntervalSeconds != nil) &&
		inRange(tg.HealthCheckTimeoutSeconds, minHealthTimeout, maxHealthTimeout) &&
		inRange(tg.HealthCheckIntervalSeconds, minHealthInterval, maxHealthInterval) {
		v.ps.Add(key(p, "health_check_timeout_seconds"), "must be less than the interval (%s), got %s (§4.2)", hc.Interval, hc.Timeout)
	}
	if tg.Matcher != nil {
		v.matcher(key(p, "matcher"), tg)
	}
}

// intIn reports a set integer outside lo..hi (§4.2 ranges).
func (v *validator) intIn(p string, n *int, lo, hi int) {
	if n != nil && (*n < lo || *n > hi) {
		v.ps.Add(p, "must be %d..%d (§4.2), got %d", lo, hi, *n)
	}
}

// matcher checks the success codes: http_code within 200-499, or grpc_code within 0-99 for
// GRPC target groups (§4.2).
func (v *validator) matcher(p string, tg *TargetGroup) {
	m := tg.Matcher
	if tg.EffectiveProtocolVersion() == ProtocolVersionGRPC {
		if m.HTTPCode != "" {
			v.ps.Add(key(p, "http_code"), "GRPC target groups use grpc_code (§4.2)")
		}
		if _, err := ParseCodeRanges(m.GrpcCode, 0, 99); err != nil {
			v.ps.Add(key(p, "grpc_code"), "%v (§4.2)", err)
		}
		return
	}
	if m.GrpcCode != "" {
		v.ps.Add(key(p, "grpc_code"), "only GRPC target groups use grpc_code (§4.2)")
	}
	if _, err := ParseCodeRanges(m.HTTPCode, 200, 499); err != nil {
		v.ps.Add(key(p, "http_code"), "%v (§4.2)", err)
	}
}

// CodeRange is an inclusive range of status codes; a single code has Lo == Hi.
type CodeRange struct{ Lo, Hi int }

// CodeRanges is a parsed matcher: the status codes a health check accepts.
type CodeRanges []CodeRange

// ParseCodeRanges parses a matcher such as "200", "200,202" or "200-299" (comma-separated codes
// or ranges), each code within lo..hi.
func ParseCodeRanges(s string, lo, hi int) (CodeRanges, error) {
	if s == "" {
		return nil, fmt.Errorf("is required: codes such as \"200\", \"200,202\" or \"200-299\" within %d-%d", lo, hi)
	}
	var out CodeRanges
	for _, item := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(item, "-")
		if !isRange {
			b = a
		}
		x, errA := strconv.Atoi(a)
		y, errB := strconv.Atoi(b)
		if errA != nil || errB != nil || strings.ContainsAny(item, "+ ") || x > y || x < lo || y > hi {
			return nil, fmt.Errorf("must be codes such as \"200\", \"200,202\" or \"200-299\" within %d-%d, got %q", lo, hi, s)
		}
		out = append(out, CodeRange{Lo: x, Hi: y})
	}
	return out, nil
}

// Contains reports whether code is in any of the ranges.
func (rs CodeRanges) Contains(code int) bool {
	for _, r := range rs {
		if code >= r.Lo && code <= r.Hi {
			return true
		}
	}
	return false
}
