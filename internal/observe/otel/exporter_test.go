package otel

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-lb/albatross/internal/observe"
)

// received is what an in-process OTLP receiver decoded, with the collector's own protobuf types.
type received struct {
	mu       sync.Mutex
	requests []*coltrace.ExportTraceServiceRequest
	headers  []string // the x-team header of each export
}

func (r *received) add(req *coltrace.ExportTraceServiceRequest, team string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, req)
	r.headers = append(r.headers, team)
}

// spans returns the spans received, with the resource attributes of the first export.
func (r *received) spans() ([]*tracepb.Span, map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*tracepb.Span
	res := map[string]string{}
	for _, req := range r.requests {
		for _, rs := range req.GetResourceSpans() {
			for _, kv := range rs.GetResource().GetAttributes() {
				res[kv.GetKey()] = kv.GetValue().GetStringValue()
			}
			for _, ss := range rs.GetScopeSpans() {
				out = append(out, ss.GetSpans()...)
			}
		}
	}
	return out, res
}

// httpReceiver is OTLP/HTTP's /v1/traces: protobuf bodies, gzip when the exporter compresses.
// It refuses the first export with 503 and Retry-After, as a collector under load does, so
// that the exporter's retry is exercised.
func httpReceiver(t *testing.T, got *received) *httptest.Server {
	var refused sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "not OTLP/HTTP protobuf", http.StatusBadRequest)
			return
		}
		first := false
		refused.Do(func() { first = true })
		if first {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		raw, err := io.ReadAll(body)
		req := &coltrace.ExportTraceServiceRequest{}
		if err == nil {
			err = proto.Unmarshal(raw, req)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got.add(req, r.Header.Get("X-Team"))
		resp, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// grpcReceiver is the collector's gRPC TraceService.
type grpcReceiver struct {
	coltrace.UnimplementedTraceServiceServer
	got *received
}

func (g grpcReceiver) Export(_ context.Context, req *coltrace.ExportTraceServiceRequest) (*coltrace.ExportTraceServiceResponse, error) {
	g.got.add(req, "")
	return &coltrace.ExportTraceServiceResponse{}, nil
}

var t0 = time.Unix(1700000000, 0)

// lambdaExchange is a request routed by the rule of priority 10 to a Lambda function.
func lambdaExchange() *observe.Exchange {
	return &observe.Exchange{
		Received: t0, Routed: t0.Add(time.Microsecond), TargetSent: t0.Add(time.Millisecond), TargetResponded: t0.Add(40 * time.Millisecond),
		Finished: t0.Add(41 * time.Millisecond), Method: "GET", RequestURI: "/x", Status: 200, TargetStatus: 200,
		TraceID: "Self=1-67891234-111111111111111111111111;Root=1-67891233-abcdef012345678912345678", MatchedRulePriority: 10,
		Client: netip.MustParseAddrPort("192.0.2.1:5000"), TargetGroupARN: "arn:tg", ActionsExecuted: []string{"forward"},
	}
}

// exportTwo sends a Lambda request and a request rejected before routing through a new
// exporter, and shuts it down (which flushes the batch).
func exportTwo(t *testing.T) {
	t.Helper()
	e, err := New(context.Background(), Options{retryInitial: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.Observe(lambdaExchange())
	e.Observe(&observe.Exchange{Received: t0, Finished: t0, Status: 400, MatchedRulePriority: observe.NotRouted})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// checkSpans: the Lambda request is three spans of the trace its X-Amzn-Trace-Id Root names —
// the request (server), the rule match and the target call (client) beneath it, with their
// times — and the rejected request a lone span of a trace of its own.
func checkSpans(t *testing.T, spans []*tracepb.Span) {
	t.Helper()
	byName := map[string]*tracepb.Span{}
	for _, s := range spans {
		byName[s.GetName()] = s
	}
	root, rule, target, lone := byName["GET"], byName["rule match"], byName["target"], byName["malformed request"]
	if len(spans) != 4 || root == nil || rule == nil || target == nil || lone == nil {
		t.Fatalf("%d spans: %v", len(spans), spans)
	}
	if id := hex.EncodeToString(root.GetTraceId()); id != "67891233abcdef012345678912345678" {
		t.Errorf("trace id %s", id)
	}
	for _, child := range []*tracepb.Span{rule, target} {
		if string(child.GetTraceId()) != string(root.GetTraceId()) || string(child.GetParentSpanId()) != string(root.GetSpanId()) {
			t.Errorf("%s is not beneath the request span", child.GetName())
		}
	}
	if root.GetKind() != tracepb.Span_SPAN_KIND_SERVER || target.GetKind() != tracepb.Span_SPAN_KIND_CLIENT || rule.GetKind() != tracepb.Span_SPAN_KIND_INTERNAL {
		t.Errorf("kinds %v %v %v", root.GetKind(), rule.GetKind(), target.GetKind())
	}
	if target.GetStartTimeUnixNano() != uint64(t0.Add(time.Millisecond).UnixNano()) || target.GetEndTimeUnixNano() != uint64(t0.Add(40*time.Millisecond).UnixNano()) {
		t.Errorf("target span %d..%d", target.GetStartTimeUnixNano(), target.GetEndTimeUnixNano())
	}
	if attr(root.GetAttributes(), "aws.elb.actions_executed").GetStringValue() != "forward" ||
		attr(target.GetAttributes(), "aws.elb.lambda").GetBoolValue() != true ||
		attr(rule.GetAttributes(), "aws.elb.matched_rule_priority").GetIntValue() != 10 {
		t.Errorf("attributes %v / %v / %v", root.GetAttributes(), target.GetAttributes(), rule.GetAttributes())
	}
	if len(lone.GetParentSpanId()) != 0 || len(lone.GetTraceId()) != 16 || string(lone.GetTraceId()) == string(root.GetTraceId()) {
		t.Errorf("lone span %v", lone)
	}
}

func attr(kvs []*commonpb.KeyValue, key string) *commonpb.AnyValue {
	for _, kv := range kvs {
		if kv.GetKey() == key {
			return kv.GetValue()
		}
	}
	return &commonpb.AnyValue{}
}

// TestExportOTLPHTTP: spans reach an OTLP/HTTP receiver as the collector's protobuf, after a
// refused first attempt (the exporter's retry), configured only by the standard variables:
// endpoint, headers, compression, service name and resource attributes.
func TestExportOTLPHTTP(t *testing.T) {
	got := &received{}
	srv := httpReceiver(t, got)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-team=edge")
	t.Setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
	t.Setenv("OTEL_SERVICE_NAME", "edge-lb")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test")
	exportTwo(t)
	spans, res := got.spans()
	checkSpans(t, spans)
	if res["service.name"] != "edge-lb" || res["deployment.environment"] != "test" || res["telemetry.sdk.language"] != "go" {
		t.Errorf("resource %v", res)
	}
	if len(got.headers) == 0 || got.headers[0] != "edge" {
		t.Errorf("x-team headers %v", got.headers)
	}
}

// TestExportOTLPGRPC: OTEL_EXPORTER_OTLP_PROTOCOL=grpc sends the same spans to the collector's
// gRPC TraceService; service.name defaults to albatross.
func TestExportOTLPGRPC(t *testing.T) {
	got := &received{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	coltrace.RegisterTraceServiceServer(srv, grpcReceiver{got: got})
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+ln.Addr().String())
	t.Setenv("OTEL_SERVICE_NAME", "")
	exportTwo(t)
	spans, res := got.spans()
	checkSpans(t, spans)
	if res["service.name"] != "albatross" {
		t.Errorf("resource %v", res)
	}
}

// TestEnabledAndProtocol: traces are exported only when asked for, and an OTLP protocol the
// exporters do not speak is an error, not a silent fallback.
func TestEnabledAndProtocol(t *testing.T) {
	testCases := []struct {
		exporter, endpoint, tracesEndpoint string
		want                               bool
	}{
		{want: false},
		{endpoint: "http://c:4318", want: true},
		{tracesEndpoint: "http://c:4318/v1/traces", want: true},
		{exporter: "otlp", want: true},
		{exporter: "none", endpoint: "http://c:4318", want: false},
	}
	for _, tc := range testCases {
		t.Setenv("OTEL_TRACES_EXPORTER", tc.exporter)
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tc.endpoint)
		t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tc.tracesEndpoint)
		if got := Enabled(); got != tc.want {
			t.Errorf("%+v: Enabled() = %v", tc, got)
		}
	}
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json")
	if e, err := New(context.Background(), Options{}); err == nil {
		_ = e.Close(context.Background())
		t.Error("http/json accepted")
	}
}
