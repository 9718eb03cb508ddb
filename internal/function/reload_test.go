package function

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// rebuilds hands out what the next Rebuild returns.
type rebuilds struct {
	mu      sync.Mutex
	command []string
	err     error
	calls   int
}

func (r *rebuilds) set(command []string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.command, r.err = command, err
}

func (r *rebuilds) rebuild(context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	return r.command, r.err
}

func (r *rebuilds) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// TestReloadOnCodeChange: a change in the watched folder rebuilds; a failed rebuild keeps the
// old code serving, logs the error and reports it in BuildError; the next good rebuild takes
// over, and every later invocation runs the new command.
func TestReloadOnCodeChange(t *testing.T) {
	envTool, err := exec.LookPath("env")
	if err != nil {
		t.Skip("env not on PATH")
	}
	rb := &rebuilds{}
	var code string
	f, logs := newTestFunction(t, func(s *Spec) {
		code = s.TaskRoot
		s.Watch = &CodeWatch{
			Dirs:     func(context.Context) ([]string, error) { return []string{s.TaskRoot}, nil },
			Rebuild:  rb.rebuild,
			Debounce: 10 * time.Millisecond,
		}
	})
	version := func() string {
		resp := invoke(t, f, `{"action":"context"}`)
		if i := strings.Index(string(resp.Payload), "CODE_VERSION="); i >= 0 {
			return strings.SplitN(string(resp.Payload)[i:], `"`, 2)[0]
		}
		return "none"
	}
	if v := version(); v != "none" {
		t.Fatalf("before any change: %s", v)
	}
	edit := func(content string) {
		if err := os.WriteFile(filepath.Join(code, "main.go"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	rb.set(nil, errors.New("./main.go:3:1: syntax error: non-declaration statement outside function body"))
	edit("broken")
	eventually(t, "the failed rebuild", func() bool { return f.BuildError() != nil })
	if v := version(); v != "none" {
		t.Errorf("after a failed build the function runs %s, want the old code", v)
	}
	if !strings.Contains(logs.String(), "syntax error: non-declaration statement") {
		t.Errorf("the build error is not logged:\n%s", logs.String())
	}

	rb.set([]string{envTool, "CODE_VERSION=2", fnBinary}, nil)
	calls := rb.count()
	edit("fixed")
	eventually(t, "a rebuild after the fix", func() bool { return rb.count() > calls && f.BuildError() == nil })
	eventually(t, "the new code answering", func() bool { return version() == "CODE_VERSION=2" })
	for range 3 {
		if v := version(); v != "CODE_VERSION=2" {
			t.Fatalf("an invocation after the swap ran %s", v)
		}
	}
}
