// Package s3test runs a real S3-compatible server for tests: versitygw, the seed module's pinned
// tool, with its posix backend on a temporary folder, on 127.0.0.1 at an OS-chosen port.
package s3test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Access key and secret of the test server's root user.
const (
	AccessKeyID     = "seedtest"
	SecretAccessKey = "seedtest-secret"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's base URL, e.g. http://127.0.0.1:41234.
	Endpoint string
}

// Getenv returns the variables package s3client reads, pointing at the server.
func (s *Server) Getenv(name string) string {
	return map[string]string{
		"S3_ENDPOINT":          s.Endpoint,
		"S3_ACCESS_KEY_ID":     AccessKeyID,
		"S3_SECRET_ACCESS_KEY": SecretAccessKey,
		"S3_REGION":            "us-east-1",
	}[name]
}

// Start builds (first time only; the go command caches tool binaries) and starts versitygw, waits
// until it answers, and stops it when the test ends. It must run inside the seed module.
func Start(t *testing.T) *Server {
	t.Helper()
	bin := toolPath(t)
	root := t.TempDir()
	data, meta := filepath.Join(root, "data"), filepath.Join(root, "meta")
	for _, d := range []string{data, meta} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--access", AccessKeyID, "--secret", SecretAccessKey, "--port", addr,
		"--health", "/health", "--quiet", "posix", "--sidecar", meta, data)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	s := &Server{Endpoint: "http://" + addr}
	waitHealthy(t, s.Endpoint+"/health", done)
	return s
}

// toolPath returns the cached versitygw binary, building it on first use.
func toolPath(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "tool", "-n", "versitygw").Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go tool -n versitygw: %v\n%s", err, stderr)
	}
	return strings.TrimSpace(string(out))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func waitHealthy(t *testing.T, url string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatal("versitygw exited before answering")
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("versitygw did not answer %s within 20s", url)
}
