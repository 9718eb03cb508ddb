package runtimeapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestNextDeliversInvocationHeaders covers B.1 (GET /next answer) and B.8 (the deadline header
// aws-lambda-go cannot live without).
func TestNextDeliversInvocationHeaders(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	deadline := time.Now().Add(3 * time.Second)
	inv := &Invocation{
		RequestID:          "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
		Payload:            []byte(`{"hello":"world"}`),
		Deadline:           deadline,
		InvokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:fn",
		TraceID:            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=0",
		ClientContext:      `{"custom":{"a":"b"}}`,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := dispatch(ctx, s, inv)
	r := <-c.next()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", r.status)
	}
	want := map[string]string{
		"Content-Type":                        "application/json",
		"Lambda-Runtime-Aws-Request-Id":       inv.RequestID,
		"Lambda-Runtime-Deadline-Ms":          strconv.FormatInt(deadline.UnixMilli(), 10),
		"Lambda-Runtime-Invoked-Function-Arn": inv.InvokedFunctionARN,
		"Lambda-Runtime-Trace-Id":             inv.TraceID,
		"Lambda-Runtime-Client-Context":       inv.ClientContext,
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := r.header["Lambda-Runtime-Cognito-Identity"]; ok {
		t.Error("empty Cognito identity must not be sent (B.1: only when present)")
	}
	if r.body != string(inv.Payload) {
		t.Errorf("body = %q", r.body)
	}
	acc := c.post("/2018-06-01/runtime/invocation/"+inv.RequestID+"/response", []byte(`"ok"`), nil)
	if acc.status != http.StatusAccepted || acc.body != `{"status":"OK"}` {
		t.Fatalf("response post = %d %s, want 202 {\"status\":\"OK\"}", acc.status, acc.body)
	}
	got := wait(t, done)
	if got.err != nil || string(got.res.Payload) != `"ok"` || got.res.Error {
		t.Fatalf("Dispatch = %+v, %v", got.res, got.err)
	}
}

// TestWaitReadyEndsWithFirstNext covers B.5: Init ends when the runtime first calls /next.
func TestWaitReadyEndsWithFirstNext(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.WaitReady(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitReady before /next = %v, want deadline exceeded", err)
	}
	c.next()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := s.WaitReady(ctx2); err != nil {
		t.Fatalf("WaitReady after /next = %v", err)
	}
}

// TestInitErrorIsReported covers B.1 POST /runtime/init/error and the 403 for /next afterwards.
func TestInitErrorIsReported(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	body := `{"errorMessage":"Cannot find module 'app'","errorType":"Runtime.ImportModuleError"}`
	r := c.post("/2018-06-01/runtime/init/error", []byte(body),
		http.Header{headerFunctionErr: {"Runtime.ImportModuleError"}})
	checkGolden(t, "init_error_accepted", r)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var initErr *InitError
	if err := s.WaitReady(ctx); !errors.As(err, &initErr) {
		t.Fatalf("WaitReady = %v, want *InitError", err)
	}
	if string(initErr.Payload) != body || initErr.ErrorType != "Runtime.ImportModuleError" {
		t.Errorf("InitError = %+v", initErr)
	}
	checkGolden(t, "next_after_init_error", <-c.next())
	checkGolden(t, "init_error_twice", c.post("/2018-06-01/runtime/init/error", nil, nil))
}

// TestSecondNextRefused covers B.5: one invocation per environment, so a runtime cannot poll twice
// at once nor poll while it owes a result.
func TestSecondNextRefused(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	first := c.next()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	waitPolling(t, s)
	if r := <-c.next(); r.status != http.StatusForbidden {
		t.Errorf("second concurrent /next = %d, want 403", r.status)
	}
	done := dispatch(ctx, s, &Invocation{RequestID: "a"})
	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("first /next = %d", r.status)
	}
	checkGolden(t, "next_while_invoking", <-c.next())
	c.post("/2018-06-01/runtime/invocation/a/response", nil, nil)
	wait(t, done)
}

func waitPolling(t *testing.T, s *Server) {
	t.Helper()
	for range 1000 {
		s.mu.Lock()
		polling := s.polling
		s.mu.Unlock()
		if polling {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("runtime never polled")
}

// TestDispatchUndelivered checks that an event nobody picked up is reported as undelivered, so
// the caller may route it to another environment.
func TestDispatchUndelivered(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := s.Dispatch(ctx, &Invocation{RequestID: "x"})
	if !errors.Is(err, ErrUndelivered) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dispatch = %v, want ErrUndelivered wrapping the deadline", err)
	}
	_ = s.Close()
	if _, err := s.Dispatch(context.Background(), &Invocation{RequestID: "y"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Dispatch after Close = %v, want ErrClosed", err)
	}
}

// TestAbandonedInvocationRefusesLateResult: after a timeout the result of the abandoned
// invocation is refused like a second result (403), never delivered to a later invocation.
func TestAbandonedInvocationRefusesLateResult(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := dispatch(ctx, s, &Invocation{RequestID: "late"})
	if r := <-c.next(); r.status != http.StatusOK {
		t.Fatalf("/next = %d", r.status)
	}
	cancel()
	if got := wait(t, done); !errors.Is(got.err, context.Canceled) || errors.Is(got.err, ErrUndelivered) {
		t.Fatalf("Dispatch = %v, want context.Canceled after delivery", got.err)
	}
	if r := c.post("/2018-06-01/runtime/invocation/late/response", []byte("x"), nil); r.status != http.StatusForbidden {
		t.Fatalf("late response = %d, want 403", r.status)
	}
}
