package reconcile

import (
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// filesNamed returns the files under dir whose base name has prefix and suffix.
func filesNamed(t *testing.T, dir, prefix, suffix string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), prefix) && strings.HasSuffix(d.Name(), suffix) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestHealthCheckLogWritten: with health_check_logs.s3.enabled, every health check of the
// load balancer's targets is a line of its health_check_log_ file — a passing target with its
// 200, a target that refuses connections as ConnectionReset — finished (gzipped) on Close.
func TestHealthCheckLogWritten(t *testing.T) {
	t.Parallel()
	up := namedBackend(t, "up")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there: connections are refused
	cfg := commitConfig("hc", "0", up)
	cfg.LoadBalancers[0].Attributes[attrHealthCheckLogsEnabled] = "true"
	cfg.LoadBalancers[0].Attributes[attrHealthCheckLogsPrefix] = "hc"
	cfg.TargetGroups[0].Targets = append(cfg.TargetGroups[0].Targets, config.Target{ID: "127.0.0.1", Port: down})
	dataDir := t.TempDir()
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(dataDir, "access-logs")
	wantUp := "127.0.0.1:" + strconv.Itoa(up) + " app PASS 200 - app/web/"
	wantDown := "127.0.0.1:" + strconv.Itoa(down) + " app FAIL - ConnectionReset app/web/"
	// Both targets are checked at once when the configuration applies; wait for their lines.
	deadline := time.Now().Add(60 * time.Second) // a bound for a loaded machine
	for {
		var body string
		for _, f := range filesNamed(t, logDir, "health_check_log_", ".log") {
			b, _ := os.ReadFile(f)
			body += string(b)
		}
		if strings.Contains(body, wantUp) && strings.Contains(body, wantDown) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health check log so far:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}
	files := filesNamed(t, logDir, "health_check_log_000000000000_elasticloadbalancing_us-east-1_app.web.", ".log.gz")
	if len(files) != 1 || !strings.Contains(files[0], filepath.Join("hc", "AWSLogs", "000000000000", "elasticloadbalancing", "us-east-1")) {
		t.Fatalf("files %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		if fields := strings.Fields(line); len(fields) != 10 || fields[0] != "http" {
			t.Errorf("entry %q", line)
		}
	}
	if !strings.Contains(string(body), wantUp) || !strings.Contains(string(body), wantDown) {
		t.Errorf("finished file:\n%s", body)
	}
}
