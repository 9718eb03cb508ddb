package runtimes

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// invocation is one event the fake Runtime API hands out on /next.
type invocation struct {
	id      string
	payload string
}

// record is one call the runtime made to report a result (B.1), as kept in the golden files.
type record struct {
	Path            string `json:"path"`
	ErrorTypeHeader string `json:"errorTypeHeader,omitempty"`
	ContentType     string `json:"contentType"`
	Body            string `json:"body"` // verbatim, so spacing and escaping are checked too
}

// fakeAPI is a minimal Runtime API (B.1): /next hands out queued invocations with the headers
// Lambda sends; /response, /error and /init/error are recorded and answered 202.
type fakeAPI struct {
	srv     *httptest.Server
	queue   chan invocation
	records chan record
	conns   atomic.Int32 // TCP connections opened by the runtime: keep-alive keeps this at 1
}

func newFakeAPI(t *testing.T, invocations ...invocation) *fakeAPI {
	t.Helper()
	f := &fakeAPI{queue: make(chan invocation, len(invocations)), records: make(chan record, 16)}
	for _, inv := range invocations {
		f.queue <- inv
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", f.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/{kind}", f.report)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", f.report)
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

// addr is the value of AWS_LAMBDA_RUNTIME_API: host:port without a scheme.
func (f *fakeAPI) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func (f *fakeAPI) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-f.queue:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:fn")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, inv.payload)
	case <-r.Context().Done(): // the runtime was stopped while waiting
	}
}

func (f *fakeAPI) report(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.records <- record{
		Path:            r.URL.Path,
		ErrorTypeHeader: r.Header.Get("Lambda-Runtime-Function-Error-Type"),
		ContentType:     r.Header.Get("Content-Type"),
		Body:            string(body),
	}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

// runtimeProcess is a bootstrap started by Command against a fakeAPI.
type runtimeProcess struct {
	cmd    *exec.Cmd
	output *testkit.Buffer
	exited chan struct{}
}

// startRuntime runs Command's argv with the environment Lambda gives a runtime (B.4).
func startRuntime(t *testing.T, api *fakeAPI, runtime, handler, codeDir string) *runtimeProcess {
	t.Helper()
	argv, err := Command(runtime, handler, codeDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = codeDir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_LAMBDA_RUNTIME_API=" + api.addr(),
		"_HANDLER=" + handler,
		"LAMBDA_TASK_ROOT=" + codeDir,
		"AWS_EXECUTION_ENV=" + ExecutionEnv(runtime),
		"AWS_LAMBDA_FUNCTION_NAME=fn",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn",
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/01/[$LATEST]0123456789abcdef",
	}
	p := &runtimeProcess{cmd: cmd, output: &testkit.Buffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("runtime output:\n%s", p.output.String())
		}
	})
	return p
}

// collect waits for n records, failing the test after a bound.
func (f *fakeAPI) collect(t *testing.T, n int) []record {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var got []record
	for len(got) < n {
		select {
		case r := <-f.records:
			got = append(got, r)
		case <-ctx.Done():
			t.Fatalf("got %d of %d runtime reports: %+v", len(got), n, got)
		}
	}
	return got
}

// waitExit waits (bounded) for the runtime to exit by itself and returns its exit code.
func (p *runtimeProcess) waitExit(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatal("runtime did not exit")
		return 0
	}
}

// checkGolden compares the records with testdata/golden/<name>.json (rewritten with -update).
// Bodies are kept byte for byte except for what legitimately varies between machines: the task
// root's absolute path, and stack frames (an error body with a non-empty trace is re-encoded
// with the frames replaced by one marker).
func checkGolden(t *testing.T, name, taskRoot string, got []record) {
	t.Helper()
	for i := range got {
		got[i].Body = normalise(t, got[i].Body, taskRoot)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, data, want)
	}
}

func normalise(t *testing.T, body, taskRoot string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("runtime posted invalid JSON %q: %v", body, err)
	}
	if m, ok := v.(map[string]any); ok {
		for _, key := range []string{"trace", "stackTrace"} {
			if frames, ok := m[key].([]any); ok && len(frames) > 0 {
				m[key] = []string{"<frames>"}
				var out strings.Builder
				enc := json.NewEncoder(&out)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(m); err != nil {
					t.Fatal(err)
				}
				body = strings.TrimSuffix(out.String(), "\n")
			}
		}
	}
	return strings.ReplaceAll(body, taskRoot, "$TASK_ROOT")
}
