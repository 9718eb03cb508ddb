package reconcile

import (
	"fmt"
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/health"
	targethttp "github.com/albatross-lb/albatross/internal/target/http"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// protocolVersion is the runtime form of an instance or ip group's protocol version (TG-02);
// Validate has checked the value.
func protocolVersion(tg *config.TargetGroup) targetgroup.ProtocolVersion {
	v, _ := targetgroup.ParseProtocolVersion(tg.EffectiveProtocolVersion())
	return v
}

// targetProxyOptions are the connection settings to tg's targets: the load balancer's timeouts,
// TLS for HTTPS groups, HTTP/2 for HTTP2 and GRPC groups. Distinct settings get distinct proxies,
// so each protocol has its own connection pool.
func targetProxyOptions(lb *config.LoadBalancer, tg *config.TargetGroup) targethttp.Options {
	o := proxyOptions(lb)
	o.TLS = tg.EffectiveProtocol() == config.ProtocolHTTPS
	o.HTTP2 = protocolVersion(tg) != targetgroup.HTTP1
	return o
}

// targetCheck is the health check of an instance or ip target for its group's protocol version:
// HTTP/1.1 GET for HTTP1 (HC-02), the same GET over HTTP/2 for HTTP2, and a unary gRPC call judged
// by its grpc-status for GRPC (§4.2: path /AWS.ALB/healthcheck, matcher 12 by default).
func targetCheck(tg *config.TargetGroup, t *targetgroup.Target, inUse bool) targetgroup.CheckSpec {
	v := protocolVersion(tg)
	if v == targetgroup.HTTP1 || !inUse {
		return httpCheck(tg, t, inUse)
	}
	hc := tg.HealthCheck()
	port := t.Port
	if hc.Port != config.HealthCheckPortTraffic {
		port, _ = strconv.Atoi(hc.Port)
	}
	if v == targetgroup.HTTP2 {
		o := health.HTTPOptions{Protocol: hc.Protocol, IP: t.ID, Port: port, Path: hc.Path, Codes: healthCodes(hc), HTTP2: true}
		return targetgroup.CheckSpec{Key: fmt.Sprintf("http2 %+v %+v", o, hc), Prober: health.NewHTTPProber(o), Settings: healthSettings(hc)}
	}
	o := health.GRPCOptions{Protocol: hc.Protocol, IP: t.ID, Port: port, Path: hc.Path, Codes: healthCodes(hc)}
	return targetgroup.CheckSpec{Key: fmt.Sprintf("grpc %+v %+v", o, hc), Prober: health.NewGRPCProber(o), Settings: healthSettings(hc)}
}
