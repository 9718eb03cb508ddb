package reconcile

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/observe/s3upload"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// observability is what a DataPlane records about traffic: metrics, the access log of every load
// balancer that has access_logs.s3.enabled and the connection log of every one that has
// connection_logs.s3.enabled (CLOG-01), and the spans it exports. It lives as long as the DataPlane,
// so a reload keeps counters and open log files.
type observability struct {
	metrics    *observe.Metrics
	dir        string
	accessLogs *lbLogs[*observe.AccessLog]
	connLogs   *lbLogs[*observe.ConnectionLog]
	// healthLogs are the health-check logs of the load balancers that have
	// health_check_logs.s3.enabled (healthlog.go).
	healthLogs *lbLogs[*observe.HealthCheckLog]

	uploaderOnce sync.Once
	uploader     *s3upload.Uploader
	// tracer exports spans when the OTEL_* variables ask for it (tracing.go), else nil.
	tracer spanExporter
	// sampler feeds the dashboard's charts (dashboard_history.go).
	sampler historySampler
}

// obs returns dp's observability, made on first use.
func (dp *DataPlane) obs() *observability {
	dp.obsOnce.Do(func() { dp.observability = newObservability(dp) })
	return dp.observability
}

func newObservability(dp *DataPlane) *observability {
	o := &observability{metrics: observe.NewMetrics(), dir: accessLogDir(dp.opts.CacheDir),
		accessLogs: newLBLogs[*observe.AccessLog](), connLogs: newLBLogs[*observe.ConnectionLog](),
		healthLogs: newLBLogs[*observe.HealthCheckLog]()}
	o.tracer = newSpanExporter(dp.log)
	o.metrics.AddSource(dp.hostCounts)
	o.metrics.AddSource(dp.functionSamples)
	o.metrics.AddSource(dp.shadowSamples)
	o.metrics.AddSource(dp.shiftSamples)
	return o
}

// Metrics returns the data plane's metrics; mount Metrics().Handler() at GET /metrics.
func (dp *DataPlane) Metrics() *observe.Metrics { return dp.obs().metrics }

// closeObservability finishes every access and connection log file (gzip, upload), exports the
// spans still queued, and stops the writers; Close calls it after the listeners are closed, when
// the last lines are in. Metrics stay readable.
func (dp *DataPlane) closeObservability(ctx context.Context) error {
	o := dp.obs()
	o.stopSampler()
	errs := []error{o.accessLogs.close(ctx), o.connLogs.close(ctx), o.healthLogs.close(ctx)}
	if o.tracer != nil {
		errs = append(errs, o.tracer.Close(ctx))
	}
	return errors.Join(errs...)
}

// accessLogDir is where access log files are written: <data-dir>/access-logs, the data dir
// being the parent of the cache dir.
func accessLogDir(cacheDir string) string {
	if d := os.Getenv("ALBATROSS_ACCESS_LOG_DIR"); d != "" {
		return d
	}
	if cacheDir == "" {
		return filepath.Join(os.TempDir(), "albatross", "access-logs")
	}
	return filepath.Join(filepath.Dir(filepath.Clean(cacheDir)), "access-logs")
}

// observer returns the router.Observer of listener l of lb, with the load balancer's access log
// as its attributes say.
func (b *builder) observer(lb *config.LoadBalancer, l *config.Listener) *observe.ListenerObserver {
	o := b.dp.obs()
	id := loadBalancerID(b.cfg, lb.Name)
	priorities := make([]int, len(l.Rules))
	for i, r := range l.Rules {
		priorities[i] = r.Priority
	}
	var sinks []observe.Sink
	if log := b.accessLog(lb, id); log != nil {
		sinks = append(sinks, log)
	}
	if o.tracer != nil {
		sinks = append(sinks, o.tracer)
	}
	return observe.NewListenerObserver(o.metrics, id, listenerName(l), priorities, sinks...)
}

// accessLog returns lb's access log, nil when access_logs.s3.enabled is not true. The build
// keeps the running log while its bucket and prefix stay the same, else stages a new one.
func (b *builder) accessLog(lb *config.LoadBalancer, id string) *observe.AccessLog {
	if lb.Attribute(config.AttrAccessLogsEnabled) != "true" {
		return nil
	}
	opts := b.logOptions(lb, id, config.AttrAccessLogsBucket, config.AttrAccessLogsPrefix)
	return b.g.accessLogs.use(lb.Name, opts.Location, func() *observe.AccessLog { return observe.NewAccessLog(opts) })
}

// logOptions are the settings of lb's access or connection log, whose bucket and prefix are the
// attributes bucketKey and prefixKey.
func (b *builder) logOptions(lb *config.LoadBalancer, id, bucketKey, prefixKey string) observe.AccessLogOptions {
	loc := observe.LogLocation{
		Bucket: lb.Attribute(bucketKey), Prefix: lb.Attribute(prefixKey),
		AccountID: b.cfg.EffectiveAccountID(), Region: b.cfg.EffectiveRegion(), LoadBalancer: id,
		// The node's address names its files, as each ALB node's does (LOG-01): the nodes of a
		// cluster writing to one bucket never collide.
		NodeIP: cmp.Or(b.dp.opts.NodeIP, b.dp.opts.BindAddress),
	}
	opts := observe.AccessLogOptions{Location: loc, Dir: b.dp.obs().dir, Logger: b.dp.log}
	if loc.Bucket != "" {
		opts.Uploader = s3Uploader(b.dp, loc.Region)
	}
	return opts
}

// hostCounts are HealthyHostCount and UnHealthyHostCount per target group of the configuration
// being served (§9.2): draining targets count in neither; and AnomalousHostCount and
// MitigatedHostCount of instance and ip groups (ALG-01, zero unless weighted_random).
func (dp *DataPlane) hostCounts() []observe.Sample {
	s := dp.served.Load()
	if s == nil {
		return nil
	}
	var out []observe.Sample
	for _, g := range s.groups {
		hg, ok := g.(interface{ Targets() []*targetgroup.Target })
		if !ok {
			continue
		}
		healthy, unhealthy := 0, 0
		for _, t := range hg.Targets() {
			switch {
			case t.Healthy():
				healthy++
			case t.State() == targetgroup.StateUnhealthy:
				unhealthy++
			}
		}
		labels := []observe.Label{{Name: "target_group", Value: tgID(g.TargetGroupARN())}}
		out = append(out,
			observe.Sample{Name: "alb_healthy_host_count", Help: "HealthyHostCount: healthy targets.", Labels: labels, Value: float64(healthy)},
			observe.Sample{Name: "alb_unhealthy_host_count", Help: "UnHealthyHostCount: unhealthy targets.", Labels: labels, Value: float64(unhealthy)})
		if ag, ok := g.(interface{ AnomalyCounts() (int, int) }); ok {
			anomalous, mitigated := ag.AnomalyCounts()
			out = append(out,
				observe.Sample{Name: "alb_anomalous_host_count", Labels: labels, Value: float64(anomalous),
					Help: "AnomalousHostCount: targets whose error rate or latency stands out from the group's (weighted_random groups only, ALG-01)."},
				observe.Sample{Name: "alb_mitigated_host_count", Labels: labels, Value: float64(mitigated),
					Help: "MitigatedHostCount: anomalous targets given less traffic by anomaly_mitigation (ALG-01)."})
		}
	}
	return out
}

func tgID(arn string) string {
	if i := strings.Index(arn, ":targetgroup/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// s3Uploader is the uploader of access log files: an S3 client made once per DataPlane (in the
// configuration's region at that time), or nil (files stay local only) when the SDK cannot be
// configured.
func s3Uploader(dp *DataPlane, region string) observe.Uploader {
	o := dp.obs()
	o.uploaderOnce.Do(func() {
		u, err := s3upload.New(context.Background(), region, "")
		if err != nil {
			dp.log.Warn("access logs: S3 uploads disabled", "error", err)
			return
		}
		o.uploader = u
	})
	if o.uploader == nil {
		return nil
	}
	return o.uploader
}
