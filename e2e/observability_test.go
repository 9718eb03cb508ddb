package e2e

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// scrapeMetrics GETs /metrics with accept and decodes it with Prometheus's parser.
func scrapeMetrics(t *testing.T, url, accept string) (expfmt.Format, map[string]*dto.MetricFamily) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	format := expfmt.ResponseFormat(resp.Header)
	dec := expfmt.NewDecoder(resp.Body, format)
	families := map[string]*dto.MetricFamily{}
	for {
		f := &dto.MetricFamily{}
		if err := dec.Decode(f); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding %s: %v", format, err)
		}
		families[f.GetName()] = f
	}
	return format, families
}

// TestMetricsOnFreshServe: `serve --api-addr` with no load balancer already serves what every
// Prometheus exporter does — the build, Go runtime and process metrics — in the text format, and
// in OpenMetrics to a scraper that asks for it (issue 18).
func TestMetricsOnFreshServe(t *testing.T) {
	t.Parallel()
	api := startWithAPI(t, "", "")
	for accept, want := range map[string]expfmt.FormatType{
		"": expfmt.TypeTextPlain, "application/openmetrics-text;version=1.0.0": expfmt.TypeOpenMetrics,
	} {
		format, fams := scrapeMetrics(t, api.apiURL+"/metrics", accept)
		if format.FormatType() != want {
			t.Errorf("Accept %q got %s", accept, format)
		}
		build := fams["albatross_build_info"]
		if build == nil || build.Metric[0].GetGauge().GetValue() != 1 {
			t.Errorf("Accept %q: albatross_build_info %v", accept, build)
		}
		checkBuildReported(t, api.logs.String(), build)
		for _, name := range []string{"go_goroutines", "go_gc_duration_seconds", "process_start_time_seconds", "process_resident_memory_bytes"} {
			if fams[name] == nil {
				t.Errorf("Accept %q: no %s", accept, name)
			}
		}
	}
}

// TestTracesReachCollector: with OTEL_EXPORTER_OTLP_ENDPOINT set, a request becomes a trace
// that reaches an OTLP/HTTP collector — decoded here with the collector's protobuf types — in
// the trace its X-Amzn-Trace-Id names, flushed when albatross stops.
func TestTracesReachCollector(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var traceIDs []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		req := &coltrace.ExportTraceServiceRequest{}
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(raw, req) != nil {
			http.Error(w, "not OTLP", http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					traceIDs = append(traceIDs, s.GetName()+" "+hex.EncodeToString(s.GetTraceId()))
				}
			}
		}
		mu.Unlock()
		resp, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	}))
	defer collector.Close()
	port := freePort(t)
	// Given to this albatross alone: no other test's process exports to the collector.
	inst := startEnv(t, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.URL}, nil, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: hi}}]
`, port), port)
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/x", port), nil)
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := inst.stop(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]bool{"GET 67891233abcdef012345678912345678": false, "rule match 67891233abcdef012345678912345678": false}
	for _, s := range traceIDs {
		if _, ok := want[s]; ok {
			want[s] = true
		}
	}
	for s, seen := range want {
		if !seen {
			t.Errorf("span %q not received; got %v", s, traceIDs)
		}
	}
}
