package observe

import (
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// scrape serves GET /metrics with the given Accept header and decodes the answer with
// Prometheus's own parser for the format the handler chose.
func scrape(t *testing.T, m *Metrics, accept string) (expfmt.Format, map[string]*dto.MetricFamily) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	format := expfmt.ResponseFormat(w.Result().Header)
	dec := expfmt.NewDecoder(w.Body, format)
	families := map[string]*dto.MetricFamily{}
	for {
		f := &dto.MetricFamily{}
		err := dec.Decode(f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decoding %s: %v", format, err)
		}
		families[f.GetName()] = f
	}
	return format, families
}

// labels returns a metric's labels as a map.
func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// TestScrapeTextFormat: a plain scrape gets the text format with the CloudWatch-named
// counters, the response-time histogram, the build info and the Go runtime and process
// collectors (an exporter's usual metrics), all readable by Prometheus's parser.
func TestScrapeTextFormat(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	m.AddSource(BuildInfoSource("v1.2.3", "0123abc", `go1.26"x`))
	o := NewListenerObserver(m, testLB, "HTTP:80", nil)
	o.Observe(base())
	ex := base()
	outcomes[0].edit(ex)
	o.Observe(ex)
	format, fams := scrape(t, m, "")
	if format.FormatType() != expfmt.TypeTextPlain {
		t.Errorf("format %s, want text", format)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "go_memstats_alloc_bytes_total", "process_cpu_seconds_total", "process_open_fds"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	build := fams["albatross_build_info"]
	if build == nil || build.GetType() != dto.MetricType_GAUGE || build.Metric[0].GetGauge().GetValue() != 1 ||
		labels(build.Metric[0])["goversion"] != `go1.26"x` || labels(build.Metric[0])["version"] != "v1.2.3" {
		t.Errorf("albatross_build_info %v", build)
	}
	reqs := fams["alb_request_count_total"]
	if reqs == nil || reqs.GetType() != dto.MetricType_COUNTER {
		t.Fatalf("alb_request_count_total %v", reqs)
	}
	got := map[string]float64{}
	for _, mt := range reqs.Metric {
		l := labels(mt)
		if l["load_balancer"] != testLB || l["listener"] != "HTTP:80" || len(l) != 3 {
			t.Errorf("labels %v", l)
		}
		got[l["target_group"]] = mt.GetCounter().GetValue()
	}
	if got[""] != 0 || got["targetgroup/site/73e2d6bc24d8a067"] != 1 {
		t.Errorf("request counts %v", got)
	}
	hist := fams[histName]
	if hist == nil || hist.GetType() != dto.MetricType_HISTOGRAM || hist.Metric[0].GetHistogram().GetSampleCount() != 1 ||
		hist.Metric[0].GetHistogram().GetSampleSum() != 0.045 {
		t.Errorf("%s %v", histName, hist)
	}
}

// TestScrapeOpenMetricsExemplars: a scrape that asks for OpenMetrics gets it, and the
// response-time histogram's bucket carries the request's trace id (X-Amzn-Trace-Id Root as a
// W3C id) as its exemplar.
func TestScrapeOpenMetricsExemplars(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	ex := base()
	outcomes[0].edit(ex) // 45 ms at the target
	NewListenerObserver(m, testLB, "HTTP:80", nil).Observe(ex)
	format, fams := scrape(t, m, "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	if format.FormatType() != expfmt.TypeOpenMetrics {
		t.Fatalf("format %s, want OpenMetrics", format)
	}
	want, _ := TraceIDHex(traceID)
	hist := fams[histName]
	if hist == nil {
		t.Fatal("no histogram")
	}
	var found []string
	for _, b := range hist.Metric[0].GetHistogram().GetBucket() {
		if e := b.GetExemplar(); e != nil {
			found = append(found, e.GetLabel()[0].GetName()+"="+e.GetLabel()[0].GetValue())
			if b.GetUpperBound() != 0.05 || e.GetValue() != 0.045 {
				t.Errorf("exemplar %v in bucket le=%g", e, b.GetUpperBound())
			}
		}
	}
	if len(found) != 1 || found[0] != "trace_id="+want {
		t.Errorf("exemplars %v, want trace_id=%s", found, want)
	}
	if fams["alb_request_count"] == nil && fams["alb_request_count_total"] == nil {
		t.Errorf("no RequestCount in OpenMetrics: %d families", len(fams))
	}
}

// TestTraceIDHex: only a well-formed Root becomes a trace id.
func TestTraceIDHex(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		header, want string
		ok           bool
	}{
		{"Root=1-67891233-abcdef012345678912345678", "67891233abcdef012345678912345678", true},
		{"Self=1-67891234-111111111111111111111111;Root=1-67891233-ABCDEF012345678912345678;Sampled=1", "67891233abcdef012345678912345678", true},
		{"Root=1-6789123-abcdef012345678912345678x", "", false},
		{"Root=1-67891233-abcdef01234567891234567z", "", false},
		{"Root=1-67891233-abcdef", "", false},
		{"", "", false},
	}
	for _, tc := range testCases {
		if got, ok := TraceIDHex(tc.header); got != tc.want || ok != tc.ok {
			t.Errorf("TraceIDHex(%q) = %q %v, want %q %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzTraceIDHex: whatever the header, a trace id is 32 lower-case hex digits taken from its
// Root, and nothing panics.
func FuzzTraceIDHex(f *testing.F) {
	f.Add("Root=1-67891233-abcdef012345678912345678")
	f.Add("Self=1-1-1;Root=1-67891233-ABCDEF012345678912345678;Sampled=1")
	f.Add("Root=1-")
	f.Fuzz(func(t *testing.T, header string) {
		id, ok := TraceIDHex(header)
		if !ok {
			if id != "" {
				t.Fatalf("id %q without ok", id)
			}
			return
		}
		if len(id) != 32 || strings.ToLower(id) != id {
			t.Fatalf("id %q", id)
		}
		if _, err := hex.DecodeString(id); err != nil {
			t.Fatalf("id %q: %v", id, err)
		}
		if !strings.Contains(strings.ToLower(header), "root=1-"+id[:8]+"-"+id[8:]) {
			t.Fatalf("id %q is not the Root of %q", id, header)
		}
	})
}
