package health

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/function"
	lambdatarget "github.com/albatross-lb/albatross/internal/target/lambda"
)

// fakeInvoker answers every invocation with resp/err and keeps the last payload.
type fakeInvoker struct {
	resp    *function.Response
	err     error
	hang    bool
	payload []byte
}

func (f *fakeInvoker) Invoke(ctx context.Context, payload []byte) (*function.Response, error) {
	f.payload = payload
	if f.hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return f.resp, f.err
}

// TestLambdaProbe: HC-03, the documented event is sent and the function's statusCode is judged
// against the matcher (§12.16); function errors, throttles, invalid responses and timeouts fail.
func TestLambdaProbe(t *testing.T) {
	t.Parallel()
	event := lambdatarget.HealthCheckEvent("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/fn/0123456789abcdef", "/", false)
	payload := func(s string) *function.Response { return &function.Response{Payload: []byte(s)} }
	testCases := []struct {
		desc  string
		inv   *fakeInvoker
		codes Codes
		want  Result
	}{
		{desc: "200 passes", inv: &fakeInvoker{resp: payload(`{"statusCode":200}`)}, want: ok},
		{desc: "503 fails with its code", inv: &fakeInvoker{resp: payload(`{"statusCode":503}`)}, want: mismatch(503)},
		{desc: "range matcher", inv: &fakeInvoker{resp: payload(`{"statusCode":204}`)}, codes: Codes{{200, 299}}, want: ok},
		{desc: "function error", inv: &fakeInvoker{resp: &function.Response{Payload: []byte(`{}`), FunctionError: "Unhandled"}},
			want: Result{Reason: ReasonFailedHealthChecks, Description: "Lambda function error: Unhandled"}},
		{desc: "invalid response", inv: &fakeInvoker{resp: payload(`{"statusCode":null}`)},
			want: Result{Reason: ReasonFailedHealthChecks, Description: "Lambda function returned an invalid response"}},
		{desc: "throttled", inv: &fakeInvoker{err: function.ErrThrottled}, want: failed},
		{desc: "timeout", inv: &fakeInvoker{hang: true}, want: timedOut},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := NewLambdaProber(tc.inv, event, tc.codes)
			if got := probeOnce(p, 50*time.Millisecond); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if !bytes.Equal(tc.inv.payload, event) {
				t.Errorf("invoked with %s, want the HC-03 event %s", tc.inv.payload, event)
			}
		})
	}
	if got := probeOnce(NewLambdaProber(nil, event, nil), time.Second); got != failed {
		t.Errorf("no function: got %+v, want %+v", got, failed)
	}
}
