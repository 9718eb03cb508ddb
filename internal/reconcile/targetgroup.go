package reconcile

import (
	"strconv"
	"time"

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

func seconds(v string) time.Duration {
	n, _ := strconv.Atoi(v)
	return time.Duration(n) * time.Second
}

// groupOptions reads the §10.3 attributes of an instance or ip target group. Validate has
// checked every value, so parse errors fall back to the defaults.
func groupOptions(tg *config.TargetGroup, stickyKey []byte) targetgroup.Options {
	alg, _ := targetgroup.ParseAlgorithm(tg.Attribute(config.AttrAlgorithmType))
	o := targetgroup.Options{
		Algorithm:           alg,
		AnomalyMitigation:   alg == targetgroup.WeightedRandom && tg.Attribute(config.AttrAnomalyMitigation) == "on",
		SlowStart:           attrSeconds(tg, config.AttrSlowStartSeconds),
		DeregistrationDelay: attrSeconds(tg, config.AttrDeregistrationDelay),
	}
	o.MinHealthyCount, _ = strconv.Atoi(tg.Attribute(config.AttrMinHealthyTargetsCount))
	// "off" (the default) reads as 0, which is off too.
	o.MinHealthyPercent, _ = strconv.Atoi(tg.Attribute(config.AttrMinHealthyTargetsPercent))
	if tg.Attribute(config.AttrStickinessEnabled) == "true" {
		if tg.Attribute(config.AttrStickinessType) == "app_cookie" {
			o.Stickiness = targetgroup.NewAppCookieStickiness(stickyKey, tg.Attribute(config.AttrStickinessAppCookieName),
				attrSeconds(tg, config.AttrStickinessAppCookieSecs))
		} else {
			o.Stickiness = targetgroup.NewLBCookieStickiness(stickyKey, attrSeconds(tg, config.AttrStickinessLBCookieSeconds))
		}
	}
	return o
}

func attrSeconds(tg *config.TargetGroup, key string) time.Duration {
	return seconds(tg.Attribute(key))
}

// proxyOptions are the target connection settings of a load balancer (nil: defaults).
func proxyOptions(lb *config.LoadBalancer) httptarget.Options {
	if lb == nil {
		return httptarget.Options{}
	}
	return httptarget.Options{ResponseTimeout: seconds(lb.Attribute(config.AttrIdleTimeoutSeconds))}
}
