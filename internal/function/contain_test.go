//go:build linux

package function

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/process"
)

// TestForeignProcessCannotUseRuntimeAPI: a local process outside the environment that reads
// AWS_LAMBDA_RUNTIME_API from the runtime's /proc/<pid>/environ gets 403 for GET /next and for
// posting a response, and the environment keeps serving its own runtime (docs/security.md).
func TestForeignProcessCannotUseRuntimeAPI(t *testing.T) {
	t.Parallel()
	f, logs := newTestFunction(t, func(s *Spec) { s.Reserved = 1 })
	var rec struct{ Pid int }
	if err := json.Unmarshal(invoke(t, f, `{"action":"record","dir":"`+t.TempDir()+`"}`).Payload, &rec); err != nil || rec.Pid == 0 {
		t.Fatalf("no runtime pid: %v", err)
	}
	intruder := exec.Command(fnBinary)
	intruder.Env = []string{"FN_INTRUDE_PID=" + strconv.Itoa(rec.Pid)}
	out, err := intruder.Output()
	if err != nil {
		t.Fatalf("intruder: %v\n%s", err, out)
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil || got["api"] == "" {
		t.Fatalf("intruder output %q: %v", out, err)
	}
	for _, call := range []string{"next", "response"} {
		if !strings.HasPrefix(got[call], "403 ") || !strings.Contains(got[call], "AccessDeniedException") {
			t.Errorf("intruder's %s got %q; want 403 AccessDeniedException", call, got[call])
		}
	}
	if resp := invoke(t, f, `{"action":"echo","n":1}`); string(resp.Payload) != `{"action":"echo","n":1}` || resp.FunctionError != "" {
		t.Errorf("own runtime after the attack: %s %q", resp.Payload, resp.FunctionError)
	}
	if !strings.Contains(logs.String(), "Runtime API connection refused") {
		t.Errorf("no log line for the refused connections:\n%s", logs.String())
	}
}

// TestFunctionDoesNotSeeAPICredentials: albatross's own environment (where the control API's
// credentials live) does not reach a function, whatever the function's configuration.
func TestFunctionDoesNotSeeAPICredentials(t *testing.T) {
	t.Setenv("ALBATROSS_API_CREDENTIALS", "AKIDALBATROSS:very-secret-key")
	f, _ := newTestFunction(t, nil)
	var ctx struct{ Env []string }
	if err := json.Unmarshal(invoke(t, f, `{"action":"context"}`).Payload, &ctx); err != nil || len(ctx.Env) == 0 {
		t.Fatalf("no environment from the function: %v", err)
	}
	for _, kv := range ctx.Env {
		if strings.Contains(kv, "very-secret-key") || strings.HasPrefix(kv, "ALBATROSS_") {
			t.Errorf("function sees %q", kv)
		}
	}
}

// TestMemorySizeBoundsTheFunction: a function that allocates past its memory_size is killed by
// the kernel, and the invocation fails as on Lambda, with Runtime.ExitError "signal: killed";
// the next invocation gets a new environment. It runs where a cgroup (v2, or v1 on hybrid hosts)
// bounds memory (docs/security.md "Limits per environment").
func TestMemorySizeBoundsTheFunction(t *testing.T) {
	t.Parallel()
	if _, memory := process.Bounds(); memory == "none" {
		t.Skip("no cgroup bounds memory here: no cgroup v2 memory controller delegated, no writable cgroup v1 memory hierarchy")
	}
	// Near its bound the kernel reclaims what it can (the runtime's own code pages) before it
	// gives up and kills, which on a loaded machine takes seconds: the timeout is generous, so
	// that only the kill ends the invocation.
	f, _ := newTestFunction(t, func(s *Spec) { s.MemoryMB = 128; s.Reserved = 1; s.Timeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := f.Invoke(ctx, []byte(`{"action":"alloc","size":`+strconv.Itoa(256<<20)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + resp.RequestID + ` Error: Runtime exited with error: signal: killed"}`
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != want {
		t.Fatalf("256 MiB under memory_size 128: %s, want %s", resp.Payload, want)
	}
	if again := invoke(t, f, `{"action":"alloc","size":`+strconv.Itoa(16<<20)+`}`); again.FunctionError != "" {
		t.Errorf("16 MiB in the next environment: %s", again.Payload)
	}
}
