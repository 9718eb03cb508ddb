package lambdatarget

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/observe"
)

const testARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/0123456789abcdef"

// fakeInvoker answers every invocation with a fixed response or error and records the calls.
type fakeInvoker struct {
	mu          sync.Mutex
	payloads    [][]byte
	invocations []function.Invocation
	resp        *function.Response
	err         error
	// respond, when set, computes the answer from the context and payload.
	respond func(ctx context.Context, payload []byte) (*function.Response, error)
}

var _ Invoker = (*fakeInvoker)(nil)

func (f *fakeInvoker) InvokeWith(ctx context.Context, call function.Invocation) (*function.Response, error) {
	payload := call.Payload
	f.mu.Lock()
	f.payloads = append(f.payloads, payload)
	f.invocations = append(f.invocations, call)
	f.mu.Unlock()
	if f.respond != nil {
		return f.respond(ctx, payload)
	}
	return f.resp, f.err
}

func (f *fakeInvoker) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.payloads)
}

// returning is an invoker whose function returns payload.
func returning(payload string) *fakeInvoker {
	return &fakeInvoker{resp: &function.Response{Payload: []byte(payload), RequestID: "req-1"}}
}

// result is what a request through a Target produced.
type result struct {
	rec *httptest.ResponseRecorder
	err *elberr.Error
	ex  *observe.Exchange
}

// serve runs r through a Target built from o and returns what it wrote or returned.
func serve(t *testing.T, o Options, r *http.Request) result {
	t.Helper()
	ex := &observe.Exchange{MatchedRulePriority: observe.NotRouted}
	r = r.WithContext(observe.WithExchange(r.Context(), ex))
	rec := httptest.NewRecorder()
	err := New(o).ServeHTTP(rec, r)
	res := result{rec: rec, ex: ex}
	if err != nil {
		if !errors.As(err, &res.err) {
			t.Fatalf("ServeHTTP returned %T %v, want *elberr.Error", err, err)
		}
		if rec.Code != http.StatusOK || rec.Body.Len() > 0 || len(rec.Header()) > 0 || rec.Flushed {
			t.Fatalf("ServeHTTP wrote a response and returned %v", err)
		}
	}
	return res
}

// decodeEvent decodes an event with aws-lambda-go's own type, as a Go function would.
func decodeEvent(t *testing.T, payload []byte) events.ALBTargetGroupRequest {
	t.Helper()
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatalf("event is not valid JSON: %v\n%s", err, payload)
	}
	return ev
}

// eventKeys returns the top-level keys of an event.
func eventKeys(t *testing.T, payload []byte) map[string]json.RawMessage {
	t.Helper()
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(payload, &keys); err != nil {
		t.Fatalf("event is not a JSON object: %v", err)
	}
	return keys
}
