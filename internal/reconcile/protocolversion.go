package reconcile

import (
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/httptarget"
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
func targetProxyOptions(lb *config.LoadBalancer, tg *config.TargetGroup) httptarget.Options {
	o := proxyOptions(lb)
	o.TLS = tg.EffectiveProtocol() == config.ProtocolHTTPS
	o.HTTP2 = protocolVersion(tg) != targetgroup.HTTP1
	return o
}
