package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/state"
)

// fakeFunction answers every invocation with a fixed response or error and hands over what it
// was called with.
type fakeFunction struct {
	resp *function.Response
	err  error
	got  chan function.Invocation
}

func (f *fakeFunction) InvokeWith(_ context.Context, call function.Invocation) (*function.Response, error) {
	if f.got != nil {
		f.got <- call
	}
	return f.resp, f.err
}

type fakeFunctions map[string]Invoker

func (fs fakeFunctions) Function(name string) (Invoker, bool) {
	f, ok := fs[name]
	return f, ok
}

func newTestHandler(t *testing.T, fn Invoker) *Handler {
	t.Helper()
	store, err := state.Open(state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := &config.Config{Functions: []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: "/x"}}}
	if err := store.SetFile(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	h := New(Options{Store: store, Functions: fakeFunctions{"f": fn}, CodeDir: t.TempDir()})
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h
}

func serve(h http.Handler, method, target string, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestInvokeWire: statuses and headers of C.2-C.4 for each way of naming the function.
func TestInvokeWire(t *testing.T) {
	t.Parallel()
	ok := &fakeFunction{resp: &function.Response{Payload: []byte(`"hi"`), LogTail: []byte("START\nEND\n")}}
	failed := &fakeFunction{resp: &function.Response{Payload: []byte(`{"errorType":"E"}`), FunctionError: "Unhandled"}}
	throttled := &fakeFunction{err: function.ErrThrottled}
	unrunnable := &fakeFunction{err: fmt.Errorf("%w: f: no dotnet here", function.ErrInvalidRuntime)}
	const path = "/2015-03-31/functions/"
	testCases := []struct {
		desc      string
		fn        *fakeFunction
		target    string
		body      string
		header    []string
		status    int
		errorType string // X-Amzn-ErrorType
		check     func(w *httptest.ResponseRecorder) string
	}{
		{desc: "plain name with the log tail", fn: ok, target: path + "f/invocations", body: `{}`, header: []string{"X-Amz-Log-Type", "Tail"}, status: 200,
			check: func(w *httptest.ResponseRecorder) string {
				if w.Header().Get("X-Amz-Log-Result") != base64.StdEncoding.EncodeToString([]byte("START\nEND\n")) || w.Body.String() != `"hi"` {
					return "log result or payload wrong"
				}
				return ""
			}},
		{desc: "percent-encoded full ARN", fn: ok, target: path + "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations", status: 200},
		{desc: "partial ARN", fn: ok, target: path + "000000000000%3Afunction%3Af/invocations", status: 200},
		{desc: "$LATEST qualifier", fn: ok, target: path + "f/invocations?Qualifier=%24LATEST", status: 200},
		{desc: "unknown qualifier", fn: ok, target: path + "f%3Alive/invocations", status: 404, errorType: "ResourceNotFoundException"},
		{desc: "unknown function", fn: ok, target: path + "nope/invocations", status: 404, errorType: "ResourceNotFoundException"},
		{desc: "function error is a 200", fn: failed, target: path + "f/invocations", status: 200,
			check: func(w *httptest.ResponseRecorder) string {
				if w.Header().Get("X-Amz-Function-Error") != "Unhandled" {
					return "no X-Amz-Function-Error"
				}
				return ""
			}},
		{desc: "throttled", fn: throttled, target: path + "f/invocations", status: 429, errorType: "TooManyRequestsException"},
		{desc: "a function Albatross cannot run", fn: unrunnable, target: path + "f/invocations", status: 502, errorType: "InvalidRuntimeException"},
		{desc: "not JSON", fn: ok, target: path + "f/invocations", body: "{", status: 400, errorType: "InvalidRequestContentException"},
		{desc: "dry run", fn: ok, target: path + "f/invocations", header: []string{"X-Amz-Invocation-Type", "DryRun"}, status: 204},
		{desc: "unknown invocation type", fn: ok, target: path + "f/invocations", header: []string{"X-Amz-Invocation-Type", "Later"}, status: 400, errorType: "InvalidParameterValueException"},
		{desc: "event payload over 1 MB", fn: ok, target: path + "f/invocations", body: `"` + strings.Repeat("a", 1<<20) + `"`,
			header: []string{"X-Amz-Invocation-Type", "Event"}, status: 413, errorType: "RequestTooLargeException"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			w := serve(newTestHandler(t, tc.fn), http.MethodPost, tc.target, tc.body, tc.header...)
			if w.Code != tc.status || w.Header().Get("X-Amzn-ErrorType") != tc.errorType {
				t.Fatalf("status %d error type %q body %s; want %d %q", w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body, tc.status, tc.errorType)
			}
			if tc.errorType != "" && !json.Valid(w.Body.Bytes()) {
				t.Errorf("error body is not JSON: %s", w.Body)
			}
			if tc.check != nil {
				if msg := tc.check(w); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

// TestEventInvocationRuns: Event answers 202 at once and the invocation still happens.
func TestEventInvocationRuns(t *testing.T) {
	t.Parallel()
	fn := &fakeFunction{resp: &function.Response{Payload: []byte("null")}, got: make(chan function.Invocation, 1)}
	w := serve(newTestHandler(t, fn), http.MethodPost, "/2015-03-31/functions/f/invocations", "", "X-Amz-Invocation-Type", "Event")
	if w.Code != http.StatusAccepted {
		t.Fatalf("status %d; want 202", w.Code)
	}
	if got := <-fn.got; string(got.Payload) != "{}" {
		t.Errorf("payload %q; want {} for an empty body", got.Payload)
	}
}

// TestInvokePassesTheCall: what the Invoke request says about the call reaches the function as
// fields of the invocation (B.1's Lambda-Runtime-Invoked-Function-Arn and -Client-Context),
// whichever way the function was named, for both invocation types.
func TestInvokePassesTheCall(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
	clientContext := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"app":"x"}}`))
	testCases := []struct{ desc, target, invocationType string }{
		{"by name, synchronous", "/2015-03-31/functions/f/invocations", ""},
		{"by ARN, event", "/2015-03-31/functions/" + strings.ReplaceAll(arn, ":", "%3A") + "/invocations", "Event"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			fn := &fakeFunction{resp: &function.Response{Payload: []byte("null")}, got: make(chan function.Invocation, 1)}
			header := []string{"X-Amz-Client-Context", clientContext}
			if tc.invocationType != "" {
				header = append(header, "X-Amz-Invocation-Type", tc.invocationType)
			}
			w := serve(newTestHandler(t, fn), http.MethodPost, tc.target, `{"a":1}`, header...)
			if w.Code >= 300 {
				t.Fatalf("status %d body %s", w.Code, w.Body)
			}
			got := <-fn.got
			want := function.Invocation{Payload: []byte(`{"a":1}`), InvokedFunctionARN: arn, ClientContext: `{"custom":{"app":"x"}}`}
			if string(got.Payload) != string(want.Payload) || got.InvokedFunctionARN != want.InvokedFunctionARN ||
				got.ClientContext != want.ClientContext || got.TraceID != "" || got.CognitoIdentity != "" {
				t.Errorf("invocation %+v, want %+v", got, want)
			}
		})
	}
}

// TestFileFunctionIsReadOnly: changing a function the configuration file defines is refused.
func TestFileFunctionIsReadOnly(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, &fakeFunction{})
	testCases := []struct{ desc, method, target, body string }{
		{"configuration", http.MethodPut, "/2015-03-31/functions/f/configuration", `{"Timeout":9}`},
		{"delete", http.MethodDelete, "/2015-03-31/functions/f", ""},
		{"concurrency", http.MethodPut, "/2017-10-31/functions/f/concurrency", `{"ReservedConcurrentExecutions":2}`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			w := serve(h, tc.method, tc.target, tc.body)
			if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "configuration file") {
				t.Errorf("status %d body %s; want 409 naming the configuration file", w.Code, w.Body)
			}
		})
	}
}
