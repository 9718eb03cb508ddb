package lambdatarget

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/function"
)

// TestOutcomes covers every way an invocation ends other than a valid response (§5.4).
func TestOutcomes(t *testing.T) {
	t.Parallel()
	timeoutPayload := `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: r Error: Task timed out after 3.00 seconds"}`
	testCases := []struct {
		desc       string
		invoker    Invoker // nil: no function registered
		request    func() *http.Request
		wantStatus int
		wantReason string
		wantSource elberr.Source
		wantCalls  int
	}{
		{desc: "T15 LAM function error is LambdaUnhandled",
			invoker:    &fakeInvoker{resp: &function.Response{FunctionError: "Unhandled", Payload: []byte(`{"errorMessage":"boom"}`)}},
			wantStatus: 502, wantReason: ReasonUnhandled, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "T15 §12.4 function timeout is LambdaUnhandled",
			invoker:    &fakeInvoker{resp: &function.Response{FunctionError: "Unhandled", Payload: []byte(timeoutPayload)}},
			wantStatus: 502, wantReason: ReasonUnhandled, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "T15 throttled is LambdaThrottling", invoker: &fakeInvoker{err: fmt.Errorf("queue full: %w", function.ErrThrottled)},
			wantStatus: 502, wantReason: ReasonThrottling, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "§5.4 a function that cannot run is LambdaInvalidRuntimeException (docs/import.md)",
			invoker:    &fakeInvoker{err: fmt.Errorf("%w: legacy: no dotnet runtime", function.ErrInvalidRuntime)},
			wantStatus: 502, wantReason: ReasonInvalidRuntime, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "§12.4 function stopping is LambdaServiceException", invoker: &fakeInvoker{err: function.ErrStopped},
			wantStatus: 502, wantReason: ReasonServiceException, wantSource: elberr.SourceLambdaService, wantCalls: 1},
		{desc: "LAM-27 invoker's response limit is LambdaResponseTooLarge", invoker: &fakeInvoker{err: function.ErrResponseTooLarge},
			wantStatus: 502, wantReason: ReasonResponseTooLarge, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "LAM-03 invoker's request limit is LambdaRequestTooLarge", invoker: &fakeInvoker{err: function.ErrRequestTooLarge},
			wantStatus: 413, wantReason: ReasonRequestTooLarge, wantSource: elberr.SourceFunction, wantCalls: 1},
		{desc: "TMO-02 deadline is LambdaConnectionTimeout", invoker: &fakeInvoker{err: context.DeadlineExceeded},
			wantStatus: 504, wantReason: ReasonConnectionTimeout, wantSource: elberr.SourceLambdaService, wantCalls: 1},
		{desc: "§12.4 any other failure is LambdaUnhandledException", invoker: &fakeInvoker{err: errors.New("pipe broke")},
			wantStatus: 502, wantReason: ReasonUnhandledException, wantSource: elberr.SourceLambdaService, wantCalls: 1},
		{desc: "invoker returning nothing is LambdaUnhandledException", invoker: &fakeInvoker{},
			wantStatus: 502, wantReason: ReasonUnhandledException, wantSource: elberr.SourceLambdaService, wantCalls: 1},
		{desc: "HC-06 no function registered: 503",
			wantStatus: 503, wantSource: elberr.SourceLoadBalancer},
		{desc: "T17 WS-02 LAM-40 WebSocket upgrade: 400, not invoked", invoker: returning(`{"statusCode":200}`),
			request: func() *http.Request {
				return newRequest("GET", "/ws", "", [][2]string{{"Connection", "Upgrade"}, {"Upgrade", "WebSocket"}})
			},
			wantStatus: 400, wantReason: ReasonWebsocketNotSupported, wantSource: elberr.SourceFunction},
		{desc: "T9 LAM-03 body of 1 MiB + 1 with Content-Length: 413, not invoked", invoker: returning(`{"statusCode":200}`),
			request: func() *http.Request {
				return newRequest("POST", "/", strings.Repeat("x", MaxRequestBody+1), nil)
			},
			wantStatus: 413, wantReason: ReasonRequestTooLarge, wantSource: elberr.SourceFunction},
		{desc: "T9 LAM-03 chunked body of 1 MiB + 1: 413, not invoked", invoker: returning(`{"statusCode":200}`),
			request: func() *http.Request {
				r := newRequest("POST", "/", "", nil)
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(strings.Repeat("x", MaxRequestBody+1))), -1
				return r
			},
			wantStatus: 413, wantReason: ReasonRequestTooLarge, wantSource: elberr.SourceFunction},
		{desc: "§7 client stops sending the body: 400, not invoked", invoker: returning(`{"statusCode":200}`),
			request: func() *http.Request {
				r := newRequest("POST", "/", "", nil)
				r.Body = io.NopCloser(iotest.ErrReader(io.ErrUnexpectedEOF))
				return r
			},
			wantStatus: 400, wantSource: elberr.SourceClient},
		{desc: "TMO-01 client silent mid-body: the listener's 408 passes, not invoked", invoker: returning(`{"statusCode":200}`),
			request: func() *http.Request {
				r := newRequest("POST", "/", "", nil)
				r.Body = io.NopCloser(iotest.ErrReader(&elberr.Error{Status: 408, Source: elberr.SourceClient}))
				return r
			},
			wantStatus: 408, wantSource: elberr.SourceClient},
		{desc: "a panic in the invocation path is LambdaUnhandledException",
			invoker: &fakeInvoker{respond: func(context.Context, []byte) (*function.Response, error) {
				var resp *function.Response
				return resp, errors.New(resp.RequestID) // nil dereference: a real bug's panic
			}},
			wantStatus: 502, wantReason: ReasonUnhandledException, wantSource: elberr.SourceLambdaService, wantCalls: 1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := newRequest("GET", "/", "", nil)
			if tc.request != nil {
				r = tc.request()
			}
			res := serve(t, Options{TargetGroupARN: testARN, Invoker: tc.invoker}, r)
			if res.err == nil {
				t.Fatalf("answered %d, want %d", res.rec.Code, tc.wantStatus)
			}
			if res.err.Status != tc.wantStatus || res.err.Reason != tc.wantReason || res.err.Source != tc.wantSource {
				t.Errorf("got %d %q source %d, want %d %q source %d", res.err.Status, res.err.Reason, res.err.Source,
					tc.wantStatus, tc.wantReason, tc.wantSource)
			}
			if res.ex.TargetGroupARN != testARN || res.ex.ErrorReason != tc.wantReason || res.ex.TargetStatus != 0 {
				t.Errorf("exchange: %q %q %d (LAM-30)", res.ex.TargetGroupARN, res.ex.ErrorReason, res.ex.TargetStatus)
			}
			if fake, ok := tc.invoker.(*fakeInvoker); ok && fake.calls() != tc.wantCalls {
				t.Errorf("function invoked %d times, want %d", fake.calls(), tc.wantCalls)
			}
		})
	}
}

// TestClientGone: a client that leaves while the function runs is ALB's 460, not a 5XX.
func TestClientGone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	inv := &fakeInvoker{respond: func(ctx context.Context, _ []byte) (*function.Response, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	res := serve(t, Options{Invoker: inv}, newRequest("GET", "/", "", nil).WithContext(ctx))
	if res.err == nil || res.err.Status != StatusClientClosed || res.err.Source != elberr.SourceClient {
		t.Fatalf("got %v, want 460 from the client", res.err)
	}
}

// TestBodyLimitBoundary: exactly MaxRequestBody bytes is allowed (§12.5), sent as base64.
func TestBodyLimitBoundary(t *testing.T) {
	t.Parallel()
	inv := returning(`{"statusCode":200}`)
	body := strings.Repeat("\x00", MaxRequestBody)
	res := serve(t, Options{Invoker: inv}, newRequest("POST", "/", body, nil))
	if res.err != nil {
		t.Fatalf("1 MiB body refused: %v", res.err)
	}
	ev := decodeEvent(t, inv.payloads[0])
	if !ev.IsBase64Encoded || len(ev.Body) != (MaxRequestBody+2)/3*4 {
		t.Errorf("event body: base64 %t, %d characters", ev.IsBase64Encoded, len(ev.Body))
	}
}

// TestNoIdleTimeoutOnInvoke is §12.21: the wait for the function has no deadline of its own.
func TestNoIdleTimeoutOnInvoke(t *testing.T) {
	t.Parallel()
	inv := &fakeInvoker{respond: func(ctx context.Context, _ []byte) (*function.Response, error) {
		if _, ok := ctx.Deadline(); ok {
			return nil, errors.New("invoke context has a deadline")
		}
		return &function.Response{Payload: []byte(`{"statusCode":200}`)}, nil
	}}
	if res := serve(t, Options{Invoker: inv}, newRequest("GET", "/", "", nil)); res.err != nil {
		t.Fatal(res.err)
	}
}

// TestStrictLogging: strict mode logs rejections and suspicious responses with the request ID;
// without it nothing is logged and Detail stays empty.
func TestStrictLogging(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc     string
		payload  string
		strict   bool
		wantLogs []string
	}{
		{"rejection, strict", `{"statusCode":"200"}`, true,
			[]string{"lambda response rejected", "request_id=req-1", `detail="statusCode: must be an integer, got string \"200\""`}},
		{"rejection, not strict", `{"statusCode":"200"}`, false, nil},
		{"§12.3 statusDescription without code, strict", `{"statusCode":200,"statusDescription":"OK"}`, true,
			[]string{"suspicious", "request_id=req-1", `statusDescription: \"OK\" is not of the form \"200 <reason>\"`}},
		{"§12.2 headers in multi-value mode, strict", `{"statusCode":200,"headers":{"A":"b"}}`, true,
			[]string{"headers: ignored because lambda.multi_value_headers.enabled is true; use multiValueHeaders"}},
		{"LAM-25 wrong Content-Length, strict", `{"statusCode":200,"multiValueHeaders":{"Content-Length":["9"],"Content-Type":["text/plain"]},"body":"abc"}`, true,
			[]string{"Content-Length 9 replaced by the body's real length 3"}},
		{"unknown field, strict", `{"statusCode":200,"cookies":[]}`, true, []string{"cookies: unknown field"}},
		{"body without Content-Type, strict", `{"statusCode":200,"body":"x"}`, true, []string{"without a Content-Type"}},
		{"clean response, strict", `{"statusCode":200,"statusDescription":"200 OK"}`, true, nil},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			o := Options{Invoker: returning(tc.payload), Strict: tc.strict, Logger: logger, MultiValueHeaders: true}
			serve(t, o, newRequest("GET", "/", "", nil))
			if len(tc.wantLogs) == 0 && logs.Len() > 0 {
				t.Errorf("unexpected log: %s", logs.String())
			}
			for _, want := range tc.wantLogs {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, logs.String())
				}
			}
		})
	}
}
