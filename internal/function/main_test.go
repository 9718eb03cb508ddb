package function

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
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
	if err := testkit.Leaked(); code == 0 && err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// newTestFunction starts a function on the test binary; modify adjusts the spec. Close runs at
// cleanup.
func newTestFunction(t *testing.T, modify func(*Spec)) (*Function, *testkit.Buffer) {
	t.Helper()
	logs := &testkit.Buffer{}
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
