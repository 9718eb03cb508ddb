package function

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestInitExitFailsAndBacksOff covers B.5 init errors: a runtime that exits before /next fails
// the waiting invocation with Runtime.ExitError (Init output in the tail), and the next request
// within the backoff gets the same error without spawning a process again.
func TestInitExitFailsAndBacksOff(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Env = map[string]string{"FN_INIT": "exit"} })
	resp := invoke(t, f, `{"action":"echo"}`)
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + resp.RequestID + ` Error: Runtime exited with error: exit status 3"}`
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != want {
		t.Fatalf("resp = %s, want %s", resp.Payload, want)
	}
	if tail := string(resp.LogTail); !strings.Contains(tail, "init: exiting\n") || !strings.Contains(tail, "Status: error\tError Type: Runtime.ExitError") {
		t.Errorf("tail = %s", tail)
	}
	again := invoke(t, f, `{"action":"echo"}`)
	if !strings.Contains(string(again.Payload), "RequestId: "+again.RequestID+" Error: Runtime exited with error: exit status 3") {
		t.Errorf("second = %s", again.Payload)
	}
	if st := f.Stats(); st.InitErrors != 1 || st.ColdStarts != 0 || st.Invocations != 2 {
		t.Errorf("stats = %+v, want one init attempt within the backoff", st)
	}
}

// TestInitErrorPostedIsReturned covers B.1 /runtime/init/error: the posted document is what the
// invocation that waited for the environment gets.
func TestInitErrorPostedIsReturned(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Env = map[string]string{"FN_INIT": "init-error"} })
	resp := invoke(t, f, `{}`)
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != `{"errorMessage":"Cannot find module 'app'","errorType":"Runtime.ImportModuleError"}` {
		t.Fatalf("resp = %+v (%s)", resp, resp.Payload)
	}
	if !strings.Contains(string(resp.LogTail), "init error posted: 202") {
		t.Errorf("tail = %s", resp.LogTail)
	}
}

// TestInitTimeout: an Init phase longer than InitTimeout (10 s in Lambda, B.3) fails with
// Sandbox.Timedout.
func TestInitTimeout(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) {
		s.Env = map[string]string{"FN_INIT": "slow"}
		s.InitTimeout = 200 * time.Millisecond
	})
	resp := invoke(t, f, `{}`)
	if !strings.Contains(string(resp.Payload), `"errorType":"Sandbox.Timedout"`) || resp.FunctionError != "Unhandled" {
		t.Fatalf("resp = %s", resp.Payload)
	}
}

// TestMissingBootstrap: a command that cannot be executed is Runtime.InvalidEntrypoint.
func TestMissingBootstrap(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Command = []string{"/nonexistent/bootstrap"} })
	resp := invoke(t, f, `{}`)
	want := `{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"RequestId: ` + resp.RequestID + ` Error: Couldn't find valid bootstrap(s): [/nonexistent/bootstrap]"}`
	if string(resp.Payload) != want {
		t.Fatalf("payload = %s, want %s", resp.Payload, want)
	}
}

// TestOneInvocationPerEnvironment covers B.5: concurrent invocations never share an environment,
// and no more than Reserved environments run at once; the rest wait in the queue.
func TestOneInvocationPerEnvironment(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 3; s.QueueWait = 20 * time.Second })
	dir := t.TempDir()
	payload, _ := json.Marshal(map[string]any{"action": "record", "ms": 50, "dir": dir})
	type record struct {
		PID        int  `json:"pid"`
		Overlap    bool `json:"overlap"`
		Concurrent int  `json:"concurrent"`
	}
	var wg sync.WaitGroup
	results := make(chan record, 12)
	for range 12 {
		wg.Go(func() {
			resp, err := invokeErr(f, string(payload))
			if err != nil || resp.FunctionError != "" {
				t.Errorf("invoke: %v %+v", err, resp)
				return
			}
			var r record
			_ = json.Unmarshal(resp.Payload, &r)
			results <- r
		})
	}
	wg.Wait()
	close(results)
	pids := map[int]bool{}
	for r := range results {
		if r.Overlap || r.Concurrent > 3 {
			t.Errorf("record = %+v: overlap in one environment or more than Reserved at once", r)
		}
		pids[r.PID] = true
	}
	if len(pids) > 3 || len(pids) == 0 {
		t.Errorf("%d environments, want 1..3", len(pids))
	}
}

// TestThrottling: beyond Reserved environments and the queue, invocations get ErrThrottled;
// reserved concurrency 0 throttles everything.
func TestThrottling(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 1; s.QueueLength = -1 })
	busy := make(chan error, 1)
	go func() {
		_, err := invokeErr(f, `{"action":"sleep","ms":1000}`)
		busy <- err
	}()
	eventually(t, "first invocation running", func() bool { return f.Stats().Busy == 1 })
	if _, err := invokeErr(f, `{"action":"echo"}`); !errors.Is(err, ErrThrottled) {
		t.Fatalf("second invocation = %v, want ErrThrottled", err)
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); st.Throttles != 1 {
		t.Errorf("throttles = %d", st.Throttles)
	}
	zero, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 0 })
	if _, err := invokeErr(zero, `{}`); !errors.Is(err, ErrThrottled) {
		t.Fatalf("reserved 0: %v, want ErrThrottled", err)
	}
}

// TestCallerLeavesWhileRunning documents our decision: the caller gets ctx's error at once, the
// invocation runs to its end in its environment (as in Lambda), which then serves again.
func TestCallerLeavesWhileRunning(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 1 })
	invoke(t, f, `{"action":"echo"}`) // warm up
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.Invoke(ctx, []byte(`{"action":"sleep","ms":300}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Invoke = %v, want the context's error", err)
	}
	if st := f.Stats(); st.Busy != 1 {
		t.Errorf("busy = %d right after the caller left, want 1 (still running)", st.Busy)
	}
	invoke(t, f, `{"action":"echo"}`) // waits in the queue for the same environment
	if st := f.Stats(); st.ColdStarts != 1 || st.Invocations != 3 {
		t.Errorf("stats = %+v, want the environment reused", st)
	}
}

// TestCloseStopsEverything: Close fails queued invocations with ErrStopped, stops the running
// one and every environment, and later invocations get ErrStopped.
func TestCloseStopsEverything(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Reserved = 1; s.Provisioned = 1; s.QueueWait = 20 * time.Second })
	eventually(t, "provisioned environment warm", func() bool { return f.Stats().Idle == 1 })
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := invokeErr(f, `{"action":"sleep","ms":10000}`)
			errs <- err
		}()
	}
	eventually(t, "one running, one queued", func() bool { st := f.Stats(); return st.Busy == 1 && st.Queued == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-errs; !errors.Is(err, ErrStopped) {
			t.Errorf("invocation during Close = %v, want ErrStopped", err)
		}
	}
	if _, err := invokeErr(f, `{}`); !errors.Is(err, ErrStopped) {
		t.Errorf("after Close = %v", err)
	}
	if st := f.Stats(); st.Idle+st.Busy+st.Starting != 0 {
		t.Errorf("stats after Close = %+v", st)
	}
}

// TestProvisionedIsWarmAndKeepAliveReaps: provisioned environments start at New with
// AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency and report no Init Duration; an
// on-demand environment is stopped after the keep-alive.
func TestProvisionedIsWarmAndKeepAliveReaps(t *testing.T) {
	t.Parallel()
	f, _ := newTestFunction(t, func(s *Spec) { s.Provisioned = 1; s.KeepAlive = 100 * time.Millisecond })
	eventually(t, "provisioned environment warm", func() bool { return f.Stats().Idle == 1 })
	resp := invoke(t, f, `{"action":"context"}`)
	if !strings.Contains(string(resp.Payload), "AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency") ||
		strings.Contains(string(resp.LogTail), "Init Duration") {
		t.Errorf("provisioned invocation: %s\n%s", resp.Payload, resp.LogTail)
	}
	release := make(chan struct{})
	go func() { // occupy the provisioned environment so that a second one starts on demand
		_, _ = invokeErr(f, `{"action":"sleep","ms":200}`)
		close(release)
	}()
	eventually(t, "provisioned busy", func() bool { return f.Stats().Busy == 1 })
	if r := invoke(t, f, `{"action":"echo"}`); !strings.Contains(string(r.LogTail), "Init Duration") {
		t.Errorf("on-demand cold start without Init Duration: %s", r.LogTail)
	}
	<-release
	eventually(t, "on-demand environment reaped, provisioned kept", func() bool {
		st := f.Stats()
		return st.Idle == 1 && st.Provisioned == 1 && st.Busy == 0
	})
}
