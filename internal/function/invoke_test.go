package function

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

var reportLine = regexp.MustCompile(`REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB`)

// TestInvokeColdThenWarm covers B.5 (cold start, then reuse of the warm environment) and the
// Lambda log lines in the log tail (C.2 X-Amz-Log-Result).
func TestInvokeColdThenWarm(t *testing.T) {
	t.Parallel()
	f, logs := newTestFunction(t, nil)
	first := invoke(t, f, `{"action":"echo","n":1}`)
	if string(first.Payload) != `{"action":"echo","n":1}` || first.FunctionError != "" {
		t.Fatalf("first = %+v", first)
	}
	tail := string(first.LogTail)
	for _, want := range []string{"init: ready\n", "START RequestId: " + first.RequestID + " Version: $LATEST\n",
		"END RequestId: " + first.RequestID + "\n", "\tInit Duration: "} {
		if !strings.Contains(tail, want) {
			t.Errorf("cold tail lacks %q:\n%s", want, tail)
		}
	}
	if !reportLine.MatchString(tail) {
		t.Errorf("no REPORT line in %q", tail)
	}
	second := invoke(t, f, `{"action":"log"}`)
	if strings.Contains(string(second.LogTail), "Init Duration") || second.RequestID == first.RequestID {
		t.Errorf("warm invocation reported a cold start: %s", second.LogTail)
	}
	if !strings.Contains(string(second.LogTail), "to stdout\n") || !strings.Contains(string(second.LogTail), "to stderr\n") {
		t.Errorf("function output missing from tail: %s", second.LogTail)
	}
	if !strings.Contains(logs.String(), `msg="to stdout" function=fn request_id=`+second.RequestID) {
		t.Errorf("output line not tagged with function and request id:\n%s", logs.String())
	}
	if st := f.Stats(); st.ColdStarts != 1 || st.Invocations != 2 || st.Idle != 1 || st.InitDuration <= 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestFunctionErrorIsUnhandled covers C.3: an error returned by the handler is a Response with
// FunctionError Unhandled and the runtime's error document, and the environment stays warm.
func TestFunctionErrorIsUnhandled(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, nil)
	resp := invoke(t, f, `{"action":"error","msg":"bad input"}`)
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != `{"errorMessage":"bad input","errorType":"errorString"}` {
		t.Fatalf("resp = %+v (%s)", resp, resp.Payload)
	}
	invoke(t, f, `{"action":"echo"}`)
	if st := f.Stats(); st.ColdStarts != 1 || st.Errors != 1 {
		t.Errorf("stats = %+v, want one warm environment and one error", st)
	}
}

// TestCrashMidInvocation covers B.5/C.3: a process exit during an invocation fails it with
// Runtime.ExitError and the environment is replaced by a cold start.
func TestCrashMidInvocation(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, nil)
	resp := invoke(t, f, `{"action":"exit","code":7}`)
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + resp.RequestID + ` Error: Runtime exited with error: exit status 7"}`
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != want {
		t.Fatalf("resp = %s, want %s", resp.Payload, want)
	}
	if !strings.Contains(string(resp.LogTail), "\tStatus: error\tError Type: Runtime.ExitError") ||
		!strings.Contains(string(resp.LogTail), "exiting with 7") {
		t.Errorf("tail = %s", resp.LogTail)
	}
	if again := invoke(t, f, `{"action":"echo"}`); again.FunctionError != "" {
		t.Fatalf("after crash: %+v", again)
	}
	if st := f.Stats(); st.ColdStarts != 2 {
		t.Errorf("cold starts = %d, want 2 (environment replaced)", st.ColdStarts)
	}
}

// TestPanicReportsThenReplaces: aws-lambda-go posts the panic to /error and exits (B.8); the
// caller gets the posted error and the next invocation gets a fresh environment.
func TestPanicReportsThenReplaces(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, nil)
	resp := invoke(t, f, `{"action":"panic","msg":"oh no"}`)
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		StackTrace   []any  `json:"stackTrace"`
	}
	if err := json.Unmarshal(resp.Payload, &doc); err != nil || resp.FunctionError != "Unhandled" || doc.ErrorMessage != "oh no" || len(doc.StackTrace) == 0 {
		t.Fatalf("resp = %+v (%s)", resp, resp.Payload)
	}
	eventually(t, "panicked environment removed", func() bool { st := f.Stats(); return st.Idle+st.Busy == 0 })
	if again := invoke(t, f, `{"action":"echo"}`); again.FunctionError != "" {
		t.Fatalf("after panic: %+v", again)
	}
}

// TestTimeout covers B.5/C.3: at the timeout the process group is stopped, the caller gets
// Sandbox.Timedout in Lambda's words, and the environment is replaced.
func TestTimeout(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Timeout = 300 * time.Millisecond })
	start := time.Now()
	resp := invoke(t, f, `{"action":"sleep","ms":10000}`)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("timeout answered after %v", elapsed)
	}
	want := `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ` + resp.RequestID + ` Error: Task timed out after 0.30 seconds"}`
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != want {
		t.Fatalf("resp = %s, want %s", resp.Payload, want)
	}
	if !strings.Contains(string(resp.LogTail), "\tStatus: timeout") || !strings.Contains(string(resp.LogTail), resp.RequestID+" Task timed out after 0.30 seconds") {
		t.Errorf("tail = %s", resp.LogTail)
	}
	if again := invoke(t, f, `{"action":"echo"}`); again.FunctionError != "" {
		t.Fatalf("after timeout: %s", again.Payload)
	}
	if st := f.Stats(); st.Timeouts != 1 || st.ColdStarts != 2 {
		t.Errorf("stats = %+v", st)
	}
}

// TestPayloadLimits covers B.3: 6 MB each way.
func TestPayloadLimits(t *testing.T) {
	t.Parallel()
	// Moving 7 MB through a race-instrumented runtime takes seconds on a loaded machine: the
	// limit under test is the size, not the time.
	f, _ := newTestFunction(t, func(s *Spec) { s.Timeout = time.Minute })
	if _, err := f.Invoke(context.Background(), make([]byte, MaxRequestSize+1)); !errors.Is(err, ErrRequestTooLarge) {
		t.Fatalf("oversize request: %v", err)
	}
	resp, err := invokeErr(f, `{"action":"large","size":7000000}`)
	if !errors.Is(err, ErrResponseTooLarge) || resp == nil || resp.FunctionError != "Unhandled" {
		t.Fatalf("oversize response: %+v, %v", resp, err)
	}
	if !strings.Contains(string(resp.Payload), `"errorType":"Function.ResponseSizeTooLarge"`) ||
		!strings.Contains(string(resp.Payload), "exceeded maximum allowed payload size (6291556 bytes).") {
		t.Errorf("payload = %s", resp.Payload)
	}
	if ok := invoke(t, f, `{"action":"large","size":6000000}`); len(ok.Payload) != 6000002 {
		t.Errorf("6 MB response: %d bytes", len(ok.Payload))
	}
}

// TestInvocationAfterPanicIsNotBlamed: an invocation that meets an environment whose runtime is
// exiting after a panic (B.8) never received the event, so it must run elsewhere, not fail with
// Runtime.ExitError.
func TestInvocationAfterPanicIsNotBlamed(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 1 })
	for range 3 {
		if resp := invoke(t, f, `{"action":"panic","msg":"boom"}`); resp.FunctionError != "Unhandled" {
			t.Fatalf("panic = %s", resp.Payload)
		}
		if resp := invoke(t, f, `{"action":"echo"}`); resp.FunctionError != "" {
			t.Fatalf("invocation right after a panic = %s", resp.Payload)
		}
	}
}
