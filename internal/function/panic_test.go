package function

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// panickyHandler is a log handler with a bug: it panics on an invocation's START line, so that
// the invocation goroutine panics where a real bug in run would.
type panickyHandler struct{ slog.Handler }

func (h panickyHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "START RequestId") {
		panic("injected: log handler bug")
	}
	return h.Handler.Handle(ctx, r)
}

func (h panickyHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return panickyHandler{h.Handler.WithAttrs(a)}
}

func (h panickyHandler) WithGroup(n string) slog.Handler {
	return panickyHandler{h.Handler.WithGroup(n)}
}

// TestPanicInInvocationFailsIt: a panic on an invocation's goroutine fails that invocation with
// an error (502 LambdaUnhandledException at the load balancer) and is counted, the process goes
// on, and the environment is stopped so that Close (at cleanup) does not wait for it.
func TestPanicInInvocationFailsIt(t *testing.T) {
	t.Parallel()
	before := observe.PanicCount("function_invoke")
	f, _ := newTestFunction(t, func(s *Spec) { s.Logger = slog.New(panickyHandler{s.Logger.Handler()}) })
	_, err := invokeErr(f, `{"action":"echo"}`)
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("Invoke = %v, want the panic as an error", err)
	}
	if got := observe.PanicCount("function_invoke") - before; got != 1 {
		t.Errorf("counted %d panics, want 1", got)
	}
}

// outputPanicHandler panics on the function's own output lines ("to stdout"), the log path that
// runs on internal/process's reader goroutines.
type outputPanicHandler struct{ slog.Handler }

func (h outputPanicHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "to stdout" {
		panic("injected: log handler bug on function output")
	}
	return h.Handler.Handle(ctx, r)
}

func (h outputPanicHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return outputPanicHandler{h.Handler.WithAttrs(a)}
}

func (h outputPanicHandler) WithGroup(n string) slog.Handler {
	return outputPanicHandler{h.Handler.WithGroup(n)}
}

// TestPanicInOutputPathKillsOnlyTheEnvironment: a panic while delivering a function's output is
// counted and kills that environment (its output can no longer be delivered); the pool sees it
// gone, and the next invocation runs in a fresh one. The invocation that printed may still
// succeed: the runtime can post its response before its line passes through the pipe.
func TestPanicInOutputPathKillsOnlyTheEnvironment(t *testing.T) {
	t.Parallel()
	before := observe.PanicCount("function_process")
	f, _ := newTestFunction(t, func(s *Spec) { s.Logger = slog.New(outputPanicHandler{s.Logger.Handler()}) })
	if _, err := invokeErr(f, `{"action":"log"}`); err != nil {
		t.Fatalf("Invoke = %v, want a response", err)
	}
	eventually(t, "the panic counted", func() bool { return observe.PanicCount("function_process")-before >= 1 })
	eventually(t, "the killed environment gone", func() bool { st := f.Stats(); return st.Idle+st.Busy == 0 })
	if resp := invoke(t, f, `{"action":"echo"}`); resp.FunctionError != "" {
		t.Errorf("the next invocation failed: %s", resp.Payload)
	}
	if st := f.Stats(); st.ColdStarts != 2 {
		t.Errorf("cold starts = %d, want 2 (the killed environment replaced)", st.ColdStarts)
	}
}

// TestPanicInReloadKeepsWatching: a panic in a rebuild is counted, the old code keeps serving,
// and the next change reloads.
func TestPanicInReloadKeepsWatching(t *testing.T) {
	envTool, err := exec.LookPath("env")
	if err != nil {
		t.Skip("env not on PATH")
	}
	before := observe.PanicCount("function_reload")
	var (
		mu     sync.Mutex
		panics = true
	)
	var code string
	f, _ := newTestFunction(t, func(s *Spec) {
		code = s.TaskRoot
		s.Watch = &CodeWatch{
			Dirs: func(context.Context) ([]string, error) { return []string{s.TaskRoot}, nil },
			Rebuild: func(context.Context) ([]string, error) {
				mu.Lock()
				defer mu.Unlock()
				if panics {
					panic("injected: rebuild bug")
				}
				return []string{envTool, "CODE_VERSION=2", fnBinary}, nil
			},
			Debounce: 10 * time.Millisecond,
		}
	})
	edit := func(content string) {
		if err := os.WriteFile(filepath.Join(code, "main.go"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The watch starts on its own goroutine: edit again now and then until it has seen a change.
	n := 0
	eventually(t, "the panicking rebuild counted", func() bool {
		if n++; n%20 == 1 {
			edit("one " + strconv.Itoa(n))
		}
		return observe.PanicCount("function_reload")-before >= 1
	})
	if resp := invoke(t, f, `{"action":"context"}`); strings.Contains(string(resp.Payload), "CODE_VERSION") {
		t.Errorf("after the panic the function runs new code: %s", resp.Payload)
	}
	mu.Lock()
	panics = false
	mu.Unlock()
	eventually(t, "the next change reloading", func() bool {
		if n++; n%20 == 1 {
			edit("two " + strconv.Itoa(n))
		}
		return strings.Contains(string(invoke(t, f, `{"action":"context"}`).Payload), "CODE_VERSION=2")
	})
}

// TestPanickingPeerCheckRefuses: a peer check that panics on the Runtime API's accept loop is
// counted and refuses the connection instead of ending the process.
func TestPanickingPeerCheckRefuses(t *testing.T) {
	t.Parallel()
	before := observe.PanicCount("function_peer_check")
	spec := &Spec{Name: "fn", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	check := guardedPeerCheck(spec, func(netip.AddrPort, netip.AddrPort) bool { panic("injected: peer check bug") })
	if check(netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2")) {
		t.Error("a panicking check allowed the connection")
	}
	if got := observe.PanicCount("function_peer_check") - before; got != 1 {
		t.Errorf("counted %d panics, want 1", got)
	}
}
