package lambdatarget

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/health"
)

// hang waits for the check's deadline, as a function that never answers.
func hang(ctx context.Context, _ []byte) (*function.Response, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestLambdaProbe: HC-03, the documented event is sent and the function's statusCode is judged
// against the matcher (§12.16); function errors, throttles, invalid responses and timeouts fail.
func TestLambdaProbe(t *testing.T) {
	t.Parallel()
	event := HealthCheckEvent("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/fn/0123456789abcdef", "/", false)
	payload := func(s string) *function.Response { return &function.Response{Payload: []byte(s)} }
	testCases := []struct {
		desc  string
		inv   *fakeInvoker
		codes health.Codes
		want  health.Result
	}{
		{desc: "200 passes", inv: &fakeInvoker{resp: payload(`{"statusCode":200}`)}, want: health.Passed(200)},
		{desc: "503 fails with its code", inv: &fakeInvoker{resp: payload(`{"statusCode":503}`)}, want: health.Mismatch(503)},
		{desc: "range matcher", inv: &fakeInvoker{resp: payload(`{"statusCode":204}`)}, codes: health.Codes{{Lo: 200, Hi: 299}}, want: health.Passed(204)},
		{desc: "function error", inv: &fakeInvoker{resp: &function.Response{Payload: []byte(`{}`), FunctionError: "Unhandled"}},
			want: health.Result{Reason: health.ReasonFailedHealthChecks, Description: "Lambda function error: Unhandled"}},
		{desc: "invalid response", inv: &fakeInvoker{resp: payload(`{"statusCode":null}`)},
			want: health.Result{Reason: health.ReasonFailedHealthChecks, Description: "Lambda function returned an invalid response"}},
		{desc: "throttled", inv: &fakeInvoker{err: function.ErrThrottled}, want: health.Failed},
		{desc: "timeout", inv: &fakeInvoker{respond: hang}, want: health.TimedOut},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := NewHealthProber(tc.inv, event, tc.codes)
			if got := probeHealthOnce(p, 50*time.Millisecond); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got := tc.inv.payloads; len(got) != 1 || !bytes.Equal(got[0], event) {
				t.Errorf("invoked with %s, want the HC-03 event %s", got, event)
			}
		})
	}
	if got := probeHealthOnce(NewHealthProber(nil, event, nil), time.Second); got != health.Failed {
		t.Errorf("no function: got %+v, want %+v", got, health.Failed)
	}
}

func probeHealthOnce(p health.Prober, timeout time.Duration) health.Result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return p.Probe(ctx)
}
