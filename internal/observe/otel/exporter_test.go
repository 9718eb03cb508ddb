package otel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// collector records the spans posted to it.
type collector struct {
	mu    sync.Mutex
	spans []span
	types []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []attribute `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Spans []span `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	}
	if r.URL.Path != "/v1/traces" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.types = append(c.types, r.Header.Get("Content-Type"))
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
}

// TestExportSpans: a Lambda request becomes three spans of the trace its X-Amzn-Trace-Id Root
// names — the request (server), the rule match and the target call beneath it — posted as
// OTLP/JSON; a request rejected before routing is a lone request span.
func TestExportSpans(t *testing.T) {
	t.Parallel()
	c := &collector{}
	srv := httptest.NewServer(c)
	defer srv.Close()
	e := New(Options{Endpoint: srv.URL + "/v1/traces"})
	t0 := time.Unix(1700000000, 0)
	e.Observe(&observe.Exchange{
		Received: t0, Routed: t0.Add(time.Microsecond), TargetSent: t0.Add(time.Millisecond), TargetResponded: t0.Add(40 * time.Millisecond),
		Finished: t0.Add(41 * time.Millisecond), Method: "GET", RequestURI: "/x", Status: 200, TargetStatus: 200,
		TraceID: "Self=1-67891234-111111111111111111111111;Root=1-67891233-abcdef012345678912345678", MatchedRulePriority: 10,
		Client: netip.MustParseAddrPort("192.0.2.1:5000"), TargetGroupARN: "arn:tg", ActionsExecuted: []string{"forward"},
	})
	e.Observe(&observe.Exchange{Received: t0, Finished: t0, Status: 400, MatchedRulePriority: observe.NotRouted})
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.spans) != 4 || c.types[0] != "application/json" {
		t.Fatalf("%d spans, content types %v", len(c.spans), c.types)
	}
	root, rule, target, lone := c.spans[0], c.spans[1], c.spans[2], c.spans[3]
	if root.TraceID != "67891233abcdef012345678912345678" || rule.TraceID != root.TraceID || target.TraceID != root.TraceID {
		t.Errorf("trace ids %s %s %s", root.TraceID, rule.TraceID, target.TraceID)
	}
	if root.Kind != kindServer || rule.ParentSpanID != root.SpanID || target.ParentSpanID != root.SpanID || target.Kind != kindClient {
		t.Errorf("structure: %+v %+v %+v", root, rule, target)
	}
	if target.Start != "1700000000001000000" || target.End != "1700000000040000000" || rule.Name != "rule match" {
		t.Errorf("target span %s..%s, rule %q", target.Start, target.End, rule.Name)
	}
	if lone.Name != "malformed request" || lone.ParentSpanID != "" || len(lone.TraceID) != 32 || lone.TraceID == root.TraceID {
		t.Errorf("lone span %+v", lone)
	}
}

// TestFromEnv reads the standard OpenTelemetry variables.
func TestFromEnv(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	if o, ok := FromEnv(); !ok || o.Endpoint != "http://127.0.0.1:4318/v1/traces" {
		t.Errorf("FromEnv = %+v %v", o, ok)
	}
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c/traces")
	if o, _ := FromEnv(); o.Endpoint != "http://c/traces" {
		t.Errorf("traces endpoint %q", o.Endpoint)
	}
}
