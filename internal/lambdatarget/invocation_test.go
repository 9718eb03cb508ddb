package lambdatarget

import (
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/observe"
)

// TestInvocationCarriesTraceAndARN: the function's trace continues the request's X-Amzn-Trace-Id
// Root, unsampled, and the runtime is told the ARN the target names (with its qualifier, LAM-04);
// both travel as fields of the invocation. The health check sends only its event.
func TestInvocationCarriesTraceAndARN(t *testing.T) {
	t.Parallel()
	const fnARN = "arn:aws:lambda:us-east-1:000000000000:function:api:live"
	inv := returning(`{"statusCode":200,"body":"ok"}`)
	ex := &observe.Exchange{MatchedRulePriority: observe.NotRouted, TraceID: "Self=1-67891234-abcdef012345678912345678;Root=1-67891233-abcdef012345678912345678"}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(observe.WithExchange(r.Context(), ex))
	if err := New(Options{Invoker: inv, FunctionARN: fnARN, TargetGroupARN: testARN}).ServeHTTP(httptest.NewRecorder(), r); err != nil {
		t.Fatal(err)
	}
	NewHealthProber(inv, []byte(`{"health":1}`), health.Codes{{Lo: 200, Hi: 200}}).Probe(t.Context())
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if len(inv.invocations) != 2 {
		t.Fatalf("%d invocations, want 2", len(inv.invocations))
	}
	got, probe := inv.invocations[0], inv.invocations[1]
	if want := "Root=1-67891233-abcdef012345678912345678;Sampled=0"; got.TraceID != want {
		t.Errorf("TraceID = %q, want %q", got.TraceID, want)
	}
	if got.InvokedFunctionARN != fnARN {
		t.Errorf("InvokedFunctionARN = %q, want %q", got.InvokedFunctionARN, fnARN)
	}
	if want := (function.Invocation{Payload: []byte(`{"health":1}`)}); string(probe.Payload) != string(want.Payload) ||
		probe.TraceID != "" || probe.InvokedFunctionARN != "" {
		t.Errorf("health check invocation %+v, want only the event", probe)
	}
}
