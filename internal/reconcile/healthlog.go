package reconcile

import (
	"fmt"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// The load balancer attributes of the health-check log (§10.1).
const (
	attrHealthCheckLogsEnabled = "health_check_logs.s3.enabled"
	attrHealthCheckLogsBucket  = "health_check_logs.s3.bucket"
	attrHealthCheckLogsPrefix  = "health_check_logs.s3.prefix"
)

// healthCheckLog returns lb's health-check log, nil when health_check_logs.s3.enabled is not
// true. Like the access log it lives across reloads while its bucket and prefix stay the same,
// and its files go beside the access log's, under the same local root.
func (b *builder) healthCheckLog(lb *config.LoadBalancer) *observe.HealthCheckLog {
	if lb == nil || lb.Attribute(attrHealthCheckLogsEnabled) != "true" {
		return nil
	}
	opts := b.logOptions(lb, loadBalancerID(b.cfg, lb.Name), attrHealthCheckLogsBucket, attrHealthCheckLogsPrefix)
	return b.g.healthLogs.use(lb.Name, opts.Location, func() *observe.HealthCheckLog { return observe.NewHealthCheckLog(opts) })
}

// withHealthLog makes spec's checker write every probe to the health-check log of lb, the
// load balancer that owns the target group, when it has one. target is what the entries name:
// ip:port, or a function's ARN.
func (b *builder) withHealthLog(spec targetgroup.CheckSpec, lb *config.LoadBalancer, tg *config.TargetGroup, kind, target string) targetgroup.CheckSpec {
	if spec.Prober == nil {
		return spec
	}
	log := b.healthCheckLog(lb)
	if log == nil {
		return spec
	}
	spec.Probes = healthLogger{log: log, kind: kind, target: target, group: tg.Name}
	spec.Key += fmt.Sprintf(" health-log=%p", log)
	return spec
}

// checkKind is the health-check log's type of tg's checks: http, https, h2 (HTTP/2, whether
// over TLS or not: AWS's list has no cleartext HTTP/2) or grpc.
func checkKind(tg *config.TargetGroup) string {
	switch protocolVersion(tg) {
	case targetgroup.GRPC:
		return health.KindGRPC
	case targetgroup.HTTP2:
		return health.KindH2
	}
	if tg.HealthCheck().Protocol == "HTTPS" {
		return health.KindHTTPS
	}
	return health.KindHTTP
}

// healthLogger turns one target's probe results into health-check log entries.
type healthLogger struct {
	log                 *observe.HealthCheckLog
	kind, target, group string
}

func (h healthLogger) ObserveProbe(start time.Time, latency time.Duration, res health.Result) {
	h.log.Observe(&observe.HealthCheck{Type: h.kind, Start: start, Latency: latency, Target: h.target, TargetGroup: h.group,
		Pass: res.OK, Answered: res.Answered, StatusCode: res.Status, Reason: res.LogReason(h.kind)})
}
