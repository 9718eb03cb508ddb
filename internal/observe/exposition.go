package observe

import (
	"bufio"
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// Handler serves the metrics in the Prometheus text exposition format (version 0.0.4), for
// GET /metrics on the API address (contract.md).
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		bw := bufio.NewWriter(w)
		m.WriteTo(bw)
		_ = bw.Flush()
	})
}

// WriteTo writes every metric in the text exposition format, sorted by name and labels.
func (m *Metrics) WriteTo(w *bufio.Writer) {
	samples := m.Samples()
	for i, s := range samples {
		if i == 0 || samples[i-1].Name != s.Name {
			kind := "gauge"
			if s.Counter {
				kind = "counter"
			}
			w.WriteString("# HELP " + s.Name + " " + s.Help + "\n# TYPE " + s.Name + " " + kind + "\n")
		}
		w.WriteString(s.Name)
		writeLabels(w, m.withNode(s.Labels))
		w.WriteByte(' ')
		w.WriteString(strconv.FormatFloat(s.Value, 'g', -1, 64))
		w.WriteByte('\n')
	}
	m.writeHistograms(w)
}

// Samples returns the counters of every series and the samples of every source, sorted by
// name and then labels. Histograms are not included (see WriteTo).
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

// writeHistograms writes TargetResponseTime (§9.2) as a histogram per series that has one.
func (m *Metrics) writeHistograms(w *bufio.Writer) {
	all := m.allSeries()
	slices.SortFunc(all, func(a, b *series) int {
		return cmp.Compare(labelString(a.labels.labels()), labelString(b.labels.labels()))
	})
	header := false
	for _, s := range all {
		var counts [len(responseTimeBuckets) + 1]uint64
		var total uint64
		for i := range counts {
			counts[i] = s.buckets[i].Load()
			total += counts[i]
		}
		if total == 0 {
			continue
		}
		if !header {
			w.WriteString("# HELP " + histName + " TargetResponseTime: seconds from the request sent to the target until its response headers.\n# TYPE " + histName + " histogram\n")
			header = true
		}
		labels := m.withNode(s.labels.labels())
		var cum uint64
		for i, c := range counts {
			cum += c
			le := "+Inf"
			if i < len(responseTimeBuckets) {
				le = strconv.FormatFloat(responseTimeBuckets[i], 'g', -1, 64)
			}
			w.WriteString(histName + "_bucket")
			writeLabels(w, append(labels[:len(labels):len(labels)], Label{"le", le}))
			w.WriteString(" " + strconv.FormatUint(cum, 10) + "\n")
		}
		w.WriteString(histName + "_sum")
		writeLabels(w, labels)
		w.WriteString(" " + strconv.FormatFloat(float64(s.sumNanos.Load())/1e9, 'g', -1, 64) + "\n")
		w.WriteString(histName + "_count")
		writeLabels(w, labels)
		w.WriteString(" " + strconv.FormatUint(total, 10) + "\n")
	}
}

func writeLabels(w *bufio.Writer, labels []Label) {
	if len(labels) == 0 {
		return
	}
	w.WriteString(labelString(labels))
}

// labelString is {name="value",...} with values escaped as the format requires.
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
