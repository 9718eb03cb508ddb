package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/forwarded"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/observe/otel"
	"github.com/albatross-lb/albatross/internal/observe/s3upload"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// observability is what a Runtime records about traffic: metrics, and the access log of every
// load balancer that has access_logs.s3.enabled. It lives as long as the Runtime, so a reload
// keeps counters and open log files.
type observability struct {
	metrics *observe.Metrics
	dir     string
	// groups is the target groups of the latest build, read at scrape time for host counts.
	groups atomic.Pointer[map[string]action.TargetGroup]
	// cfg is the configuration of the latest build, for ExplainHandler.
	cfg atomic.Pointer[config.Config]

	mu   sync.Mutex
	logs map[string]*lbLog // by load balancer name
	// connLogs are the connection logs (CLOG-01), by load balancer name.
	connLogs map[string]*lbConnLog

	uploaderOnce sync.Once
	uploader     *s3upload.Uploader
	// tracer exports spans when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set, else nil.
	tracer *otel.Exporter
	// sampler feeds the dashboard's charts (dashboard_history.go).
	sampler historySampler
}

// lbLog is a load balancer's access log and the settings it was opened with.
type lbLog struct {
	loc observe.LogLocation
	log *observe.AccessLog
}

// obs returns rt's observability, made on first use.
func (rt *Runtime) obs() *observability {
	rt.obsOnce.Do(func() { rt.observability = newObservability(rt) })
	return rt.observability
}

func newObservability(rt *Runtime) *observability {
	o := &observability{metrics: observe.NewMetrics(), dir: accessLogDir(rt.opts.CacheDir), logs: map[string]*lbLog{}, connLogs: map[string]*lbConnLog{}}
	if opts, ok := otel.FromEnv(); ok {
		opts.Logger = rt.log
		o.tracer = otel.New(opts)
		rt.log.Info("exporting traces", "endpoint", opts.Endpoint)
	}
	o.metrics.AddSource(o.hostCounts)
	o.metrics.AddSource(rt.functionSamples)
	return o
}

// Metrics returns the data plane's metrics; mount Metrics().Handler() at GET /metrics.
func (rt *Runtime) Metrics() *observe.Metrics { return rt.obs().metrics }

// CloseObservability finishes every access and connection log file (gzip, upload), exports the
// spans still queued, and stops the writers. Call it after the listeners are closed. Metrics
// stay readable.
func (rt *Runtime) CloseObservability(ctx context.Context) error {
	o := rt.obs()
	o.stopSampler()
	o.mu.Lock()
	logs := o.logs
	o.logs = map[string]*lbLog{}
	o.mu.Unlock()
	var errs []error
	for _, l := range logs {
		errs = append(errs, l.log.Close(ctx))
	}
	errs = append(errs, o.closeConnectionLogs(ctx)...)
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

// observer returns the router.Observer of listener l of lb, opening, keeping or replacing the
// load balancer's access log as its attributes say.
func (b *builder) observer(lb *config.LoadBalancer, l *config.Listener) *observe.ListenerObserver {
	o := b.rt.obs()
	o.groups.Store(&b.groups)
	o.cfg.Store(b.cfg)
	id := loadBalancerID(b.cfg, lb.Name)
	priorities := make([]int, len(l.Rules))
	for i, r := range l.Rules {
		priorities[i] = r.Priority
	}
	var sinks []observe.Sink
	if log := o.accessLog(b.cfg, lb, id, b.rt); log != nil {
		sinks = append(sinks, log)
	}
	if o.tracer != nil {
		sinks = append(sinks, o.tracer)
	}
	return observe.NewListenerObserver(o.metrics, id, listenerName(l), priorities, sinks...)
}

// listenerName is the listener label of metrics and the dashboard, e.g. "HTTP:8080".
func listenerName(l *config.Listener) string {
	return l.EffectiveProtocol() + ":" + strconv.Itoa(l.Port)
}

// accessLog returns lb's access log, nil when access_logs.s3.enabled is not true. A log whose
// bucket or prefix changed is finished and a new one begun.
func (o *observability) accessLog(cfg *config.Config, lb *config.LoadBalancer, id string, rt *Runtime) *observe.AccessLog {
	o.mu.Lock()
	defer o.mu.Unlock()
	cur := o.logs[lb.Name]
	if lb.Attribute(config.AttrAccessLogsEnabled) != "true" {
		if cur != nil {
			delete(o.logs, lb.Name)
			go func() { _ = cur.log.Close(context.Background()) }()
		}
		return nil
	}
	loc := observe.LogLocation{
		Bucket: lb.Attribute("access_logs.s3.bucket"), Prefix: lb.Attribute("access_logs.s3.prefix"),
		AccountID: cfg.EffectiveAccountID(), Region: cfg.EffectiveRegion(), LoadBalancer: id,
	}
	if cur != nil && cur.loc == loc {
		return cur.log
	}
	if cur != nil {
		go func() { _ = cur.log.Close(context.Background()) }()
	}
	opts := observe.AccessLogOptions{Location: loc, Dir: o.dir, Logger: rt.log}
	if loc.Bucket != "" {
		opts.Uploader = s3Uploader(rt, loc.Region)
	}
	next := &lbLog{loc: loc, log: observe.NewAccessLog(opts)}
	o.logs[lb.Name] = next
	return next.log
}

// loadBalancerID is the resource ID app/<name>/<id> of a load balancer's ARN.
func loadBalancerID(cfg *config.Config, name string) string {
	arn := cfg.LoadBalancerARN(name)
	if _, id, ok := strings.Cut(arn, ":loadbalancer/"); ok {
		return id
	}
	return arn
}

// hostCounts are HealthyHostCount and UnHealthyHostCount per target group (§9.2): draining
// targets count in neither.
func (o *observability) hostCounts() []observe.Sample {
	groups := o.groups.Load()
	if groups == nil {
		return nil
	}
	var out []observe.Sample
	for _, g := range *groups {
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
	}
	return out
}

func tgID(arn string) string {
	if i := strings.Index(arn, ":targetgroup/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// s3Uploader is the uploader of access log files: an S3 client made once per Runtime (in the
// configuration's region at that time), or nil (files stay local only) when the SDK cannot be
// configured.
func s3Uploader(rt *Runtime, region string) observe.Uploader {
	o := rt.obs()
	o.uploaderOnce.Do(func() {
		u, err := s3upload.New(context.Background(), region, "")
		if err != nil {
			rt.log.Warn("access logs: S3 uploads disabled", "error", err)
			return
		}
		o.uploader = u
	})
	if o.uploader == nil {
		return nil
	}
	return o.uploader
}

// listenerSettings are the router settings of listener l of lb: the attributes the pipeline
// applies and the load balancer's identity for the exchange records.
func listenerSettings(cfg *config.Config, lb *config.LoadBalancer, l *config.Listener) (router.Settings, error) {
	xffMode, err := forwarded.ParseMode(lb.Attribute("routing.http.xff_header_processing.mode"))
	if err != nil {
		return router.Settings{}, err
	}
	desync, err := router.ParseDesyncMode(lb.Attribute(config.AttrDesyncMitigationMode))
	if err != nil {
		return router.Settings{}, err
	}
	s := router.Settings{
		Protocol:      l.EffectiveProtocol(),
		Port:          l.Port,
		DNSName:       dnsName(cfg, lb.Name),
		XFFMode:       xffMode,
		XFFClientPort: lb.Attribute("routing.http.xff_client_port.enabled") == "true",
		PreserveHost:  lb.Attribute("routing.http.preserve_host_header.enabled") == "true",
		ServerHeader:  l.Attribute("routing.http.response.server.enabled") != "false",
		LoadBalancer:  loadBalancerID(cfg, lb.Name),
	}
	// DSY-01..03 and HDR-RESP-01.
	s.DesyncMode = desync
	s.DropInvalidHeaders = lb.Attribute(config.AttrDropInvalidHeaderFields) == "true"
	// H2-01: with HTTP/2 on, an HTTPS listener holds every request to HTTP/2's header-name rule.
	s.StrictHeaderNames = l.EffectiveProtocol() == config.ProtocolHTTPS && lb.Attribute(config.AttrHTTP2Enabled) != "false"
	s.ResponseHeaders = responseHeaders(l)
	return s, nil
}
