package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// freePort returns a port that was free a moment ago. The listener must be given a fixed port in
// its configuration, so the test picks one and releases it. It comes from below the OS's ephemeral
// range, so that no outgoing connection of a concurrently running test can take it before
// albatross binds it.
func freePort(t *testing.T) int {
	t.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("no free port between 20000 and 32000")
	return 0
}

// instance is a running albatross process.
type instance struct {
	t      *testing.T
	cmd    *exec.Cmd
	config string
	logs   *testkit.Buffer
	exited chan error
}

// start writes config to a temp file and runs `albatross serve` on it, waiting until every given
// port accepts connections.
func start(t *testing.T, config string, ports ...int) *instance {
	t.Helper()
	return startWith(t, nil, config, ports...)
}

// startWith is start with extra `albatross serve` flags.
func startWith(t *testing.T, flags []string, config string, ports ...int) *instance {
	t.Helper()
	return startEnv(t, nil, flags, config, ports...)
}

// startEnv is startWith with extra environment variables ("NAME=value") for the process.
func startEnv(t *testing.T, env, flags []string, config string, ports ...int) *instance {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "albatross.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	inst := &instance{t: t, config: path, logs: &testkit.Buffer{}, exited: make(chan error, 1)}
	inst.cmd = exec.Command(binary, append([]string{"serve", "--config", path, "--data-dir", filepath.Join(dir, "data")}, flags...)...)
	inst.cmd.Stdout, inst.cmd.Stderr = inst.logs, inst.logs
	if env != nil {
		inst.cmd.Env = append(os.Environ(), env...)
	}
	if err := inst.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { inst.exited <- inst.cmd.Wait() }()
	t.Cleanup(func() {
		inst.stop()
		inst.checkLogs()
	})
	for _, p := range ports {
		inst.waitPort(p)
	}
	return inst
}

// checkLogs fails the test when the binary (built with -race) reported a data race, quoting the
// first report, and prints the logs of a test that failed.
func (inst *instance) checkLogs() {
	t := inst.t
	logs := inst.logs.String()
	if report := firstRaceReport(logs); report != "" {
		t.Errorf("albatross reported a data race:\n%s", report)
	}
	if t.Failed() {
		t.Logf("albatross logs:\n%s", logs)
	}
}

// firstRaceReport is the race detector's first report in logs, or "".
func firstRaceReport(logs string) string {
	const header, rule = "WARNING: DATA RACE", "=================="
	i := strings.Index(logs, header)
	if i < 0 {
		return ""
	}
	report := logs[i:]
	if end := strings.Index(report, rule); end >= 0 {
		report = report[:end]
	}
	return report
}

func (inst *instance) waitPort(port int) {
	inst.t.Helper()
	// Generous: the wait ends as soon as the port opens or albatross exits, and a start that
	// builds Go functions took over a minute on a loaded 2-core machine.
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-inst.exited:
			inst.exited <- err
			inst.t.Fatalf("albatross exited (%v) before port %d opened; logs:\n%s", err, port, inst.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	inst.t.Fatalf("port %d never opened; logs:\n%s", port, inst.logs.String())
}

// stop sends SIGTERM and waits for a clean exit.
func (inst *instance) stop() error {
	if inst.cmd.ProcessState != nil {
		return nil
	}
	_ = inst.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-inst.exited:
		inst.exited <- err
		return err
	case <-time.After(40 * time.Second):
		_ = inst.cmd.Process.Kill()
		return fmt.Errorf("albatross did not stop within 40s")
	}
}

// rewrite replaces the configuration file (the way editors do: write a temp file, rename).
func (inst *instance) rewrite(config string) {
	inst.t.Helper()
	tmp := inst.config + ".tmp"
	if err := os.WriteFile(tmp, []byte(config), 0o644); err != nil {
		inst.t.Fatal(err)
	}
	if err := os.Rename(tmp, inst.config); err != nil {
		inst.t.Fatal(err)
	}
}

// waitLog waits until the logs contain s, counted from the given offset.
func (inst *instance) waitLog(s string, count int) {
	inst.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Count(inst.logs.String(), s) >= count {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	inst.t.Fatalf("log never showed %q %d times; logs:\n%s", s, count, inst.logs.String())
}

// backend is a real HTTP server that answers with what it received, as JSON.
type backend struct {
	name string
	srv  *http.Server
	addr string
	port int
}

// seen is a backend's echo of a request.
type seen struct {
	Backend string      `json:"backend"`
	Method  string      `json:"method"`
	URI     string      `json:"uri"`
	Host    string      `json:"host"`
	Header  http.Header `json:"header"`
	Body    string      `json:"body"`
}

func startBackend(t *testing.T, name string, handler http.Handler) *backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if handler == nil {
		handler = echoHandler(name)
	}
	b := &backend{name: name, srv: &http.Server{Handler: handler}, addr: ln.Addr().String(), port: ln.Addr().(*net.TCPAddr).Port}
	go func() { _ = b.srv.Serve(ln) }()
	t.Cleanup(func() { _ = b.srv.Close() })
	return b
}

func echoHandler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Backend", name)
		_ = json.NewEncoder(w).Encode(seen{Backend: name, Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header, Body: string(body)})
	})
}

// client is an HTTP client with its own keep-alive pool and a bounded timeout, that does not
// follow redirects.
func client() *http.Client {
	return &http.Client{
		Timeout:       20 * time.Second,
		Transport:     &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get sends a request and returns the response with its body read.
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return resp, body
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// raw sends bytes over a fresh TCP connection and returns everything the server sent until it
// closed the connection or went quiet for half a second.
func raw(t *testing.T, port int, request string) string {
	t.Helper()
	return rawWait(t, port, request, 3*time.Second)
}

// rawWait is raw with a longer wait for the first byte.
func rawWait(t *testing.T, port int, request string, first time.Duration) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(first))
	var out bytes.Buffer
	r := bufio.NewReader(c)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
		_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	}
	return out.String()
}
