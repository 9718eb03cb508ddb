package config

import (
	"maps"
	"time"
)

// This file is the one place that knows every default: attributes (§10), health checks (§4.2),
// listeners, target groups and functions.

// Function defaults (Lambda CreateFunction).
const (
	DefaultFunctionTimeout    = 3 // seconds
	DefaultFunctionMemorySize = 128
	// DefaultConcurrencyLimit caps a function without reserved concurrency, like the default
	// account concurrency quota of 1000.
	DefaultConcurrencyLimit = 1000
	// MinUnreservedConcurrency is what reserved concurrency must leave to unreserved functions:
	// Lambda's UnreservedConcurrentExecution minimum.
	MinUnreservedConcurrency = 100
)

// Default identity used in ARNs (contract: "region us-east-1 and account 000000000000 unless
// configured otherwise").
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
)

// HealthCheck is a target group's health check with every default applied (§4.2).
type HealthCheck struct {
	// Enabled is always true for instance and ip target groups; false by default for lambda.
	Enabled bool
	// Protocol is HTTP or HTTPS; empty for lambda target groups.
	Protocol string
	// Port is "traffic-port" or a port number; empty for lambda target groups.
	Port string
	// Path is the request path, possibly with a query.
	Path               string
	Interval           time.Duration
	Timeout            time.Duration
	HealthyThreshold   int
	UnhealthyThreshold int
	// Matcher holds the success codes: HTTPCode, or GrpcCode for GRPC target groups.
	Matcher Matcher
}

// SuccessCodes parses the matcher in force: HTTP codes 200-499, or gRPC codes 0-99. It returns
// nil when the matcher is invalid, which Validate reports.
func (h HealthCheck) SuccessCodes() CodeRanges {
	if h.Matcher.GrpcCode != "" {
		rs, _ := ParseCodeRanges(h.Matcher.GrpcCode, 0, 99)
		return rs
	}
	rs, _ := ParseCodeRanges(h.Matcher.HTTPCode, 200, 499)
	return rs
}

// HealthCheck returns the effective health check. Defaults per target type (§4.2):
// instance/ip 30 s interval, 5 s timeout ([amb] UG23 and the API examples, not the 6/10 s of the
// API text), thresholds 5/2, path "/" and matcher 200 (gRPC: /AWS.ALB/healthcheck and 12);
// lambda disabled, 35 s interval, 30 s timeout, thresholds 5/5 ([amb] §12.16: the API text's 5,
// not UG23's 2), path "/", matcher 200.
func (tg TargetGroup) HealthCheck() HealthCheck {
	h := HealthCheck{Enabled: true, Protocol: ProtocolHTTP, Port: HealthCheckPortTraffic, Path: "/",
		Interval: 30 * time.Second, Timeout: 5 * time.Second, HealthyThreshold: 5, UnhealthyThreshold: 2,
		Matcher: Matcher{HTTPCode: "200"}}
	if tg.EffectiveTargetType() == TargetTypeLambda {
		h = HealthCheck{Enabled: false, Path: "/", Interval: 35 * time.Second, Timeout: 30 * time.Second,
			HealthyThreshold: 5, UnhealthyThreshold: 5, Matcher: Matcher{HTTPCode: "200"}}
	} else if tg.EffectiveProtocolVersion() == ProtocolVersionGRPC {
		h.Path, h.Matcher = "/AWS.ALB/healthcheck", Matcher{GrpcCode: "12"}
	}
	if tg.HealthCheckEnabled != nil {
		h.Enabled = *tg.HealthCheckEnabled
	}
	setString(&h.Protocol, tg.HealthCheckProtocol)
	setString(&h.Port, tg.HealthCheckPort)
	setString(&h.Path, tg.HealthCheckPath)
	setSeconds(&h.Interval, tg.HealthCheckIntervalSeconds)
	setSeconds(&h.Timeout, tg.HealthCheckTimeoutSeconds)
	setInt(&h.HealthyThreshold, tg.HealthyThresholdCount)
	setInt(&h.UnhealthyThreshold, tg.UnhealthyThresholdCount)
	if tg.Matcher != nil && (tg.Matcher.HTTPCode != "" || tg.Matcher.GrpcCode != "") {
		h.Matcher = *tg.Matcher
	}
	return h
}

func setString(dst *string, s string) {
	if s != "" {
		*dst = s
	}
}

func setSeconds(dst *time.Duration, n *int) {
	if n != nil {
		*dst = time.Duration(*n) * time.Second
	}
}

func setInt(dst *int, n *int) {
	if n != nil {
		*dst = *n
	}
}

// EffectiveTargetType returns the target type, default instance (TG-01).
func (tg TargetGroup) EffectiveTargetType() string {
	return orDefault(tg.TargetType, TargetTypeInstance)
}

// TargetPort returns the port traffic goes to for t: its own port, or the group's when it has
// none (TG-02). Lambda target groups have neither, so it is 0 for them.
func (tg TargetGroup) TargetPort(t Target) int {
	if t.Port != 0 {
		return t.Port
	}
	return tg.Port
}

// EffectiveProtocol returns HTTP or HTTPS for instance and ip target groups (default HTTP), and
// "" for lambda target groups.
func (tg TargetGroup) EffectiveProtocol() string {
	if tg.EffectiveTargetType() == TargetTypeLambda {
		return ""
	}
	return orDefault(tg.Protocol, ProtocolHTTP)
}

// EffectiveProtocolVersion returns HTTP1, HTTP2 or GRPC (default HTTP1), and "" for lambda.
func (tg TargetGroup) EffectiveProtocolVersion() string {
	if tg.EffectiveTargetType() == TargetTypeLambda {
		return ""
	}
	return orDefault(tg.ProtocolVersion, ProtocolVersionHTTP1)
}

// Attribute returns the value of a target group attribute, or its default (§10.3). It returns
// "" for keys that are unknown or do not apply to the target group's type.
func (tg TargetGroup) Attribute(key string) string {
	spec, ok := targetGroupAttributes[key]
	if !ok || !spec.appliesTo(tg.EffectiveTargetType()) {
		return ""
	}
	return orDefault(tg.Attributes[key], spec.def)
}

// EffectiveAttributes returns every attribute that applies to the target group's type, with
// defaults filled in: what DescribeTargetGroupAttributes reports.
func (tg TargetGroup) EffectiveAttributes() map[string]string {
	return effective(targetGroupAttributes, tg.Attributes, tg.EffectiveTargetType())
}

// Attribute returns the value of a load balancer attribute, or its default (§10.1); "" for
// unknown keys and for keys without a default (such as access_logs.s3.bucket).
func (lb LoadBalancer) Attribute(key string) string {
	return orDefault(lb.Attributes[key], loadBalancerAttributes[key].def)
}

// EffectiveAttributes returns every load balancer attribute with defaults filled in.
func (lb LoadBalancer) EffectiveAttributes() map[string]string {
	return effective(loadBalancerAttributes, lb.Attributes, "")
}

// LoadBalancerAttributeDefaults returns a fresh map of every load balancer attribute key and its
// default ("" where AWS has none).
func LoadBalancerAttributeDefaults() map[string]string {
	return effective(loadBalancerAttributes, nil, "")
}

// TargetGroupAttributeDefaults returns a fresh map of the attribute keys and defaults for a
// target type (instance, ip or lambda).
func TargetGroupAttributeDefaults(targetType string) map[string]string {
	return effective(targetGroupAttributes, nil, orDefault(targetType, TargetTypeInstance))
}

// Attribute returns the value of a listener attribute, or its default (§10.2); the header
// attributes have no default and return "" when unset.
func (l Listener) Attribute(key string) string {
	return orDefault(l.Attributes[key], listenerAttributes[key].def)
}

// EffectiveAttributes returns every listener attribute with defaults filled in.
func (l Listener) EffectiveAttributes() map[string]string {
	return effective(listenerAttributes, l.Attributes, "")
}

// EffectiveProtocol returns HTTP or HTTPS (default HTTP, LST-01).
func (l Listener) EffectiveProtocol() string { return orDefault(l.Protocol, ProtocolHTTP) }

// EffectiveTimeout returns the function timeout (default 3 s).
func (f Function) EffectiveTimeout() time.Duration {
	n := DefaultFunctionTimeout
	setInt(&n, f.Timeout)
	return time.Duration(n) * time.Second
}

// EffectiveMemorySize returns the memory size in MB (default 128).
func (f Function) EffectiveMemorySize() int {
	n := DefaultFunctionMemorySize
	setInt(&n, f.MemorySize)
	return n
}

// ConcurrencyLimit returns the most environments the function may run at once: its reserved
// concurrency when set (0 means throttled), else DefaultConcurrencyLimit.
func (f Function) ConcurrencyLimit() int {
	if f.ReservedConcurrentExecutions != nil {
		return *f.ReservedConcurrentExecutions
	}
	return DefaultConcurrencyLimit
}

// EffectiveRegion returns the Region used in ARNs (default us-east-1).
func (c Config) EffectiveRegion() string { return orDefault(c.Region, DefaultRegion) }

// EffectiveAccountID returns the account used in ARNs (default 000000000000).
func (c Config) EffectiveAccountID() string { return orDefault(c.AccountID, DefaultAccountID) }

// effective merges set values over a table's defaults, for the keys that apply to targetType.
func effective(table map[string]attrSpec, set map[string]string, targetType string) map[string]string {
	out := make(map[string]string, len(table))
	for k, spec := range table {
		if spec.appliesTo(targetType) && !spec.unlisted {
			out[k] = spec.def
		}
	}
	for k, v := range maps.All(set) {
		if spec, known := table[k]; known && spec.appliesTo(targetType) {
			out[k] = v
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// EffectiveConcurrentExecutions is the account's concurrency limit in force.
func (c *Config) EffectiveConcurrentExecutions() int {
	if n := c.Albatross.ConcurrentExecutions; n != nil {
		return *n
	}
	return DefaultConcurrencyLimit
}

// ReservedConcurrency is the sum of every function's reserved concurrency.
func (c *Config) ReservedConcurrency() int {
	sum := 0
	for _, f := range c.Functions {
		if r := f.ReservedConcurrentExecutions; r != nil && *r > 0 {
			sum += *r
		}
	}
	return sum
}
