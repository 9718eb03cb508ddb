package observe

import (
	"bufio"
	"cmp"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

// Sample is one value read at scrape time from outside the request path.
type Sample struct {
	// Name is the metric name, e.g. alb_healthy_host_count.
	Name string
	// Help is the metric's description; the first sample of a name gives it.
	Help string
	// Counter marks a monotonically increasing value; otherwise it is a gauge.
	Counter bool
	// Labels are name/value pairs in order.
	Labels []Label
	// Value is the sample's value.
	Value float64
}

// Label is one label of a Sample.
type Label struct{ Name, Value string }

// newRegistries returns the registry /metrics serves — the load balancers' metrics with
// Prometheus's own Go runtime and process collectors, which every exporter is expected to
// serve — and one with the load balancers' metrics alone, whose output is deterministic (WriteTo).
func newRegistries(m *Metrics) (all, alb *prometheus.Registry) {
	alb = prometheus.NewPedanticRegistry()
	alb.MustRegister(albCollector{m})
	all = prometheus.NewRegistry()
	all.MustRegister(albCollector{m}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return all, alb
}

// Handler serves GET /metrics on the API address (contract.md) with Prometheus's client: the
// text format (0.0.4) by default, OpenMetrics — which carries the trace-id exemplars of
// alb_target_response_time_seconds — when the scrape's Accept header asks for it. A metric that
// fails to collect is logged and left out; the rest is still served.
func (m *Metrics) Handler() http.Handler {
	opts := promhttp.HandlerOpts{EnableOpenMetrics: true, ErrorHandling: promhttp.ContinueOnError, ErrorLog: promLogger{}}
	labeled := nodeLabeled{m.registry, m}
	text := promhttp.HandlerFor(labeled, opts)
	openMetrics := promhttp.HandlerFor(openMetricsSafe{labeled}, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if expfmt.NegotiateAccept(r.Header, expfmt.DefaultOpenMetricsAcceptedFormats()...).FormatType() == expfmt.TypeOpenMetrics {
			openMetrics.ServeHTTP(w, r)
			return
		}
		text.ServeHTTP(w, r)
	})
}

// openMetricsSafe leaves out of an OpenMetrics scrape a counter whose name without _total is
// another family's name: OpenMetrics names a counter family without the suffix, so the pair
// would be one family twice, which strict parsers reject. The Go collector has one such pair,
// go_memstats_alloc_bytes (gauge) and go_memstats_alloc_bytes_total (counter); the text format
// keeps both.
type openMetricsSafe struct{ g prometheus.Gatherer }

func (o openMetricsSafe) Gather() ([]*dto.MetricFamily, error) {
	families, err := o.g.Gather()
	names := make(map[string]bool, len(families))
	for _, f := range families {
		names[f.GetName()] = true
	}
	return slices.DeleteFunc(families, func(f *dto.MetricFamily) bool {
		base, ok := strings.CutSuffix(f.GetName(), "_total")
		return ok && f.GetType() == dto.MetricType_COUNTER && names[base]
	}), err
}

// nodeLabeled adds the node label (SetNode) to every series at gather time, the runtime and
// process collectors' included: the label is set after the collectors are registered, so
// prometheus.WrapRegistererWith cannot add it.
type nodeLabeled struct {
	g prometheus.Gatherer
	m *Metrics
}

func (n nodeLabeled) Gather() ([]*dto.MetricFamily, error) {
	families, err := n.g.Gather()
	name := n.m.node.Load()
	if name == nil {
		return families, err
	}
	for _, f := range families {
		for _, metric := range f.Metric {
			metric.Label = append(metric.Label, &dto.LabelPair{Name: proto.String("node"), Value: proto.String(*name)})
			slices.SortFunc(metric.Label, func(a, b *dto.LabelPair) int { return cmp.Compare(a.GetName(), b.GetName()) })
		}
	}
	return families, err
}

// promLogger sends the client's collection errors to slog at WARN.
type promLogger struct{}

func (promLogger) Println(v ...any) {
	slog.Warn("metrics: collection error", "error", fmt.Sprint(v...))
}

// WriteTo writes the load balancers' metrics (without the runtime and process collectors) in
// the text exposition format, sorted by name and labels, for tests and tools that want a stable
// snapshot.
func (m *Metrics) WriteTo(w *bufio.Writer) {
	families, err := m.albRegistry.Gather()
	if err != nil {
		slog.Warn("metrics: collection error", "error", err)
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		_ = enc.Encode(f)
	}
}

// albCollector turns the counters, histograms and sources of Metrics into Prometheus metrics at
// each scrape. It is an unchecked collector (Describe sends nothing) because sources add metric
// names at run time; the registry still checks every scrape for consistency.
type albCollector struct{ m *Metrics }

func (albCollector) Describe(chan<- *prometheus.Desc) {}

func (c albCollector) Collect(ch chan<- prometheus.Metric) {
	descs := map[string]*prometheus.Desc{}
	helps := map[string]string{}
	for _, s := range c.m.Samples() {
		names := make([]string, len(s.Labels))
		values := make([]string, len(s.Labels))
		for i, l := range s.Labels {
			names[i], values[i] = l.Name, l.Value
		}
		// One name has one help text in an exposition; the first sample's wins.
		help, ok := helps[s.Name]
		if !ok {
			help = s.Help
			helps[s.Name] = help
		}
		key := s.Name + "\x00" + strings.Join(names, "\x00")
		d := descs[key]
		if d == nil {
			d = prometheus.NewDesc(s.Name, help, names, nil)
			descs[key] = d
		}
		kind := prometheus.GaugeValue
		if s.Counter {
			kind = prometheus.CounterValue
		}
		metric, err := prometheus.NewConstMetric(d, kind, s.Value, values...)
		if err != nil {
			metric = prometheus.NewInvalidMetric(d, err)
		}
		ch <- metric
	}
	c.m.collectHistograms(ch)
}

// Samples returns the counters of every series and the samples of every source, sorted by
// name and then labels. Histograms are not included (see collectHistograms).
func (m *Metrics) Samples() []Sample {
	m.mu.RLock()
	sources := slices.Clone(m.sources)
	m.mu.RUnlock()
	var out []Sample
	for _, s := range m.allSeries() {
		for c := range numCounters {
			if v := s.counters[c].Load(); v != 0 || c == cRequestCount {
				out = append(out, Sample{Name: counterInfo[c].name, Help: counterInfo[c].help, Counter: true,
					Labels: s.labels.labels(), Value: float64(v)})
			}
		}
	}
	for _, src := range sources {
		out = append(out, src()...)
	}
	out = append(out, m.rejectedSamples()...)
	out = append(out, m.tlsErrorSamples()...)
	out = append(out, panicSamples()...)
	slices.SortStableFunc(out, func(a, b Sample) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(labelString(a.Labels), labelString(b.Labels)))
	})
	return out
}

func (k seriesKey) labels() []Label {
	return []Label{{"load_balancer", k.lb}, {"listener", k.listener}, {"target_group", k.tg}}
}

// allSeries returns the series that exist now, in no particular order.
func (m *Metrics) allSeries() []*series {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Collect(maps.Values(m.series))
}

const histName = "alb_target_response_time_seconds"

var histDesc = prometheus.NewDesc(histName,
	"TargetResponseTime: seconds from the request sent to the target until its response headers.",
	[]string{"load_balancer", "listener", "target_group"}, nil)

// collectHistograms sends TargetResponseTime (§9.2) as a histogram per series that has one,
// with the latest trace id seen in each bucket as its exemplar (OpenMetrics shows them).
func (m *Metrics) collectHistograms(ch chan<- prometheus.Metric) {
	for _, s := range m.allSeries() {
		buckets := make(map[float64]uint64, len(responseTimeBuckets))
		var cum uint64
		for i, le := range responseTimeBuckets {
			cum += s.buckets[i].Load()
			buckets[le] = cum
		}
		total := cum + s.buckets[len(responseTimeBuckets)].Load()
		if total == 0 {
			continue
		}
		metric, err := prometheus.NewConstHistogram(histDesc, total, float64(s.sumNanos.Load())/1e9, buckets,
			s.labels.lb, s.labels.listener, s.labels.tg)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(histDesc, err)
			continue
		}
		if ex := s.exemplars(); len(ex) > 0 {
			if withEx, err := prometheus.NewMetricWithExemplars(metric, ex...); err == nil {
				metric = withEx
			}
		}
		ch <- metric
	}
}

// labelString is {name="value",...}, a sort key for samples.
func labelString(labels []Label) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name + `="`)
		b.WriteString(labelEscaper.Replace(l.Value))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
