package reconcile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestAccessLogsAndMetricsEndToEnd: with access_logs.s3.enabled, requests through a real
// listener land in <data-dir>/access-logs/<bucket>/<AWS key layout> as ALB-format lines (LOG-01,
// §8.2) and in the metrics (§9); without a bucket nothing is uploaded.
func TestAccessLogsAndMetricsEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{
		Name:       "web",
		Attributes: map[string]string{"access_logs.s3.enabled": "true", "access_logs.s3.prefix": "p"},
		Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1", DefaultActions: []config.Action{{
			Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "418", ContentType: "text/plain", MessageBody: "tea"}}}}},
	}}}
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var addr string
	for _, a := range dp.Addrs() {
		addr = a.String()
	}
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/teapot?x=1", nil)
		req.Header.Set("User-Agent", "e2e/1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	var metrics bytes.Buffer
	w := bufio.NewWriter(&metrics)
	dp.Metrics().WriteTo(w)
	_ = w.Flush()
	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// Prometheus's client writes labels sorted by name.
	if !strings.Contains(metrics.String(), `alb_http_fixed_response_count_total{listener="HTTP:0",load_balancer="app/web/`) ||
		!strings.Contains(metrics.String(), `",target_group=""} 2`) {
		t.Errorf("metrics:\n%s", metrics.String())
	}
	matches, _ := filepath.Glob(filepath.Join(dataDir, "access-logs", "p", "AWSLogs", "000000000000", "elasticloadbalancing", "us-east-1", "*", "*", "*", "000000000000_elasticloadbalancing_us-east-1_app.web.*.log.gz"))
	if len(matches) != 1 {
		t.Fatalf("log files %v", matches)
	}
	raw, _ := os.ReadFile(matches[0])
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), text)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "http ") || !strings.Contains(l, " - -1 -1 -1 418 - ") || !strings.Contains(l, `/teapot?x=1 HTTP/1.1" "e2e/1.0" - - - "Root=1-`) ||
			!strings.Contains(l, `" "-" "-" 0 `) || !strings.Contains(l, ` "fixed-response" "-" "-" "-" "-" "-" "-" TID_`) {
			t.Errorf("line: %s", l)
		}
		if testing.Verbose() {
			t.Log(l)
		}
	}
}
