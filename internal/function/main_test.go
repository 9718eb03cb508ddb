package function

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fnBinary is the test function (testdata/fn, built with aws-lambda-go) built once per run.
var fnBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "function-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fnBinary = filepath.Join(dir, "bootstrap")
	build := exec.Command("go", "build", "-o", fnBinary, "./testdata/fn")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building testdata/fn:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	if code == 0 && leaked() {
		code = 1
	}
	os.Exit(code)
}

// leaked reports goroutines of ours still alive after every test closed its functions: every
// goroutine has an owner that stops it.
func leaked() bool {
	ours := regexp.MustCompile(`albatross/internal/(function|runtimeapi|procpool)\.`)
	var stacks string
	for range 500 {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		found := false
		for _, g := range strings.Split(stacks, "\n\n") {
			if ours.MatchString(g) && !strings.Contains(g, "TestMain") && !strings.Contains(g, "leaked") {
				found = true
			}
		}
		if !found {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "leaked goroutines:\n"+stacks)
	return true
}

// syncBuffer collects log output from concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestFunction starts a function on the test binary; modify adjusts the spec. Close runs at
// cleanup.
func newTestFunction(t *testing.T, modify func(*Spec)) (*Function, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	spec := Spec{
		Name: "fn", Command: []string{fnBinary}, TaskRoot: t.TempDir(), Runtime: "provided.al2023",
		Handler: "bootstrap", Timeout: 5 * time.Second, Reserved: 2,
		Logger:    slog.New(slog.NewTextHandler(logs, nil)),
		StopGrace: 200 * time.Millisecond,
	}
	if modify != nil {
		modify(&spec)
	}
	f, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f, logs
}

// invoke runs one invocation with a bounded context and fails the test on a Go error.
func invoke(t *testing.T, f *Function, payload string) *Response {
	t.Helper()
	resp, err := invokeErr(f, payload)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", payload, err)
	}
	return resp
}

func invokeErr(f *Function, payload string) (*Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return f.Invoke(ctx, []byte(payload))
}

// eventually polls cond for up to 10 s; for states that settle asynchronously (process exits).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never happened: %s", what)
}
