package reconcile

import (
	"fmt"
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/lambdatarget"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// TargetHealth returns the health of every target of the named target group, registered or
// still draining, ordered by id and port: what DescribeTargetHealth and `albatross targets`
// show (HC-04). It is nil for an unknown group or one without targets.
func (dp *DataPlane) TargetHealth(targetGroupName string) []targetgroup.TargetHealth {
	return dp.registry.Health(targetGroupName)
}

// TargetHealthOf returns the health of one target (port 0 for a Lambda target), and false when
// the running configuration has not registered it (yet): the seam for the ELBv2 API's
// DescribeTargetHealth, which lists the desired targets and asks for each.
func (dp *DataPlane) TargetHealthOf(targetGroupName, id string, port int) (targetgroup.TargetHealth, bool) {
	return dp.registry.Lookup(targetGroupName, id, port)
}

// healthSettings converts the effective health check (§4.2) to the checker's settings.
func healthSettings(hc config.HealthCheck) health.Settings {
	return health.Settings{Interval: hc.Interval, Timeout: hc.Timeout,
		HealthyThreshold: hc.HealthyThreshold, UnhealthyThreshold: hc.UnhealthyThreshold}
}

// healthCodes converts the matcher in force.
func healthCodes(hc config.HealthCheck) health.Codes {
	var out health.Codes
	for _, r := range hc.SuccessCodes() {
		out = append(out, health.CodeRange{Lo: r.Lo, Hi: r.Hi})
	}
	return out
}

// targetCheck is the health check of an instance or ip target for its group's protocol version:
// a GET over HTTP/1.1 for HTTP1 (HC-01, HC-02), the same GET over HTTP/2 for HTTP2, and a unary
// gRPC call judged by its grpc-status for GRPC (§4.2: path /AWS.ALB/healthcheck, matcher 12 by
// default). A group no listener routes to is not checked: its targets are unused with
// Target.NotInUse (HC-04).
func targetCheck(tg *config.TargetGroup, t *targetgroup.Target, inUse bool) targetgroup.CheckSpec {
	if !inUse {
		return targetgroup.CheckSpec{Key: "not-in-use", NotInUse: true}
	}
	hc := tg.HealthCheck()
	port := t.Port
	if hc.Port != config.HealthCheckPortTraffic {
		port, _ = strconv.Atoi(hc.Port)
	}
	v := protocolVersion(tg)
	if v == targetgroup.GRPC {
		o := health.GRPCOptions{Protocol: hc.Protocol, IP: t.ID, Port: port, Path: hc.Path, Codes: healthCodes(hc)}
		return targetgroup.CheckSpec{Key: fmt.Sprintf("grpc %+v %+v", o, hc), Prober: health.NewGRPCProber(o), Settings: healthSettings(hc)}
	}
	o := health.HTTPOptions{Protocol: hc.Protocol, IP: t.ID, Port: port, Path: hc.Path, Codes: healthCodes(hc),
		HTTP2: v == targetgroup.HTTP2}
	return targetgroup.CheckSpec{Key: fmt.Sprintf("http %+v %+v", o, hc), Prober: health.NewHTTPProber(o), Settings: healthSettings(hc)}
}

// lambdaCheck is the health check of a Lambda target: off by default (unavailable with
// Target.HealthCheckDisabled), else the HC-03 event through the function's invoker (§12.16).
func lambdaCheck(tg *config.TargetGroup, arn string, inv lambdatarget.Invoker, inUse bool) targetgroup.CheckSpec {
	hc := tg.HealthCheck()
	switch {
	case !inUse:
		return targetgroup.CheckSpec{Key: "not-in-use", NotInUse: true}
	case !hc.Enabled:
		return targetgroup.CheckSpec{Key: "disabled"}
	}
	multi := tg.Attribute(config.AttrLambdaMultiValueHeaders) == "true"
	event := lambdatarget.HealthCheckEvent(arn, hc.Path, multi)
	var prober health.Prober = lambdatarget.NewHealthProber(inv, event, healthCodes(hc))
	return targetgroup.CheckSpec{
		Key:      fmt.Sprintf("lambda %p %s %+v", inv, event, hc),
		Prober:   prober,
		Settings: healthSettings(hc),
	}
}
