package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// etcdBinary is Debian's etcd-server, which scripts/install-test-deps.sh installs.
const etcdBinary = "/usr/bin/etcd"

// etcdServer is a real one-member etcd on loopback ports, with its data in a temp dir, so that
// it can be stopped and started again with everything it had.
type etcdServer struct {
	t          *testing.T
	args       []string
	clientPort int
	cmd        *exec.Cmd
	exited     chan error
	logs       *testkit.Buffer
}

func startEtcd(t *testing.T) *etcdServer {
	t.Helper()
	if _, err := os.Stat(etcdBinary); err != nil {
		t.Skipf("%s is missing (Debian's etcd-server; scripts/install-test-deps.sh installs it): %v", etcdBinary, err)
	}
	client, peer := freePort(t), freePort(t)
	cu, pu := fmt.Sprintf("http://127.0.0.1:%d", client), fmt.Sprintf("http://127.0.0.1:%d", peer)
	e := &etcdServer{t: t, clientPort: client, logs: &testkit.Buffer{}, args: []string{
		"--name", "e2e", "--data-dir", filepath.Join(t.TempDir(), "etcd"),
		"--listen-client-urls", cu, "--advertise-client-urls", cu,
		"--listen-peer-urls", pu, "--initial-advertise-peer-urls", pu,
		"--initial-cluster", "e2e=" + pu, "--initial-cluster-state", "new",
		"--log-level", "warn",
	}}
	e.start()
	t.Cleanup(func() {
		e.stop()
		if t.Failed() {
			t.Logf("etcd logs:\n%s", e.logs.String())
		}
	})
	return e
}

// endpoint is the etcd:// URL of the server with prefix.
func (e *etcdServer) endpoint(prefix string) string {
	return fmt.Sprintf("etcd://127.0.0.1:%d/%s", e.clientPort, prefix)
}

// start runs etcd and waits until it reports itself healthy.
func (e *etcdServer) start() {
	e.t.Helper()
	e.cmd = exec.Command(etcdBinary, e.args...)
	e.cmd.Stdout, e.cmd.Stderr = e.logs, e.logs
	e.exited = make(chan error, 1)
	if err := e.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { e.exited <- e.cmd.Wait() }()
	health := fmt.Sprintf("http://127.0.0.1:%d/health", e.clientPort)
	eventuallyWithin(e.t, 60*time.Second, "etcd healthy", func() error {
		select {
		case err := <-e.exited:
			e.exited <- err
			e.t.Fatalf("etcd exited: %v\n%s", err, e.logs.String())
		default:
		}
		resp, err := (&http.Client{Timeout: time.Second}).Get(health)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /health: %s", resp.Status)
		}
		return nil
	})
}

// stop ends etcd with SIGTERM and waits for it.
func (e *etcdServer) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(20 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
	e.cmd = nil
}

// eventuallyWithin retries check until it returns nil or limit passes.
func eventuallyWithin(t *testing.T, limit time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// getFrom fetches url and returns the status, the X-Backend header and the response.
func getFrom(c *http.Client, url string, cookies ...*http.Cookie) (int, string, *http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", nil, err
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("X-Backend"), resp, nil
}

// readBody fetches url and returns the status and body.
func readBody(url string) (int, string, error) {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}
