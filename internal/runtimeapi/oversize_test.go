package runtimeapi

import (
	"net/http"
	"strings"
	"testing"
)

// TestOversizeHeadServed: a head over the engine's limits (LIM-01, 16 K per field line) is
// served as net/http served it, within its 1 MB: aws-lambda-go sends an error's X-Ray cause in
// a header up to that size. The connection then goes on serving, /next included.
func TestOversizeHeadServed(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	done := startInvocation(t, s, c, "req-big")
	cause := `{"working_directory":"/var/task","exceptions":[{"message":"` + strings.Repeat("x", 40<<10) + `"}]}`
	r := c.post("/2018-06-01/runtime/invocation/req-big/error", []byte(`{"errorMessage":"boom","errorType":"E"}`),
		http.Header{"Lambda-Runtime-Function-Xray-Error-Cause": {cause}, headerFunctionErr: {"E"}})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST /error with a 40 KB header = %d %s", r.status, r.body)
	}
	got := wait(t, done)
	if got.err != nil || !got.res.Error || got.res.ErrorType != "E" || string(got.res.Payload) != `{"errorMessage":"boom","errorType":"E"}` {
		t.Fatalf("result %+v, %v", got.res, got.err)
	}
	// The same keep-alive connection, now net/http's, serves the next invocation.
	done = startInvocation(t, s, c, "req-2")
	if r := c.post("/2018-06-01/runtime/invocation/req-2/response", []byte(`"ok"`), nil); r.status != http.StatusAccepted {
		t.Fatalf("POST /response after the handover = %d %s", r.status, r.body)
	}
	if got := wait(t, done); got.err != nil || string(got.res.Payload) != `"ok"` {
		t.Fatalf("second result %+v, %v", got.res, got.err)
	}
}
