package reconcile

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestConnectionLogsEndToEnd: with connection_logs.s3.enabled, an HTTPS request through a real
// listener leaves one connection log entry under <data-dir>/access-logs/<bucket>/<prefix>/AWSLogs
// with the conn_log. name (CLOG-01), whose conn_trace_id is the access log entry's (§8.2 field
// 30); HTTP listeners of the same load balancer log no connections.
func TestConnectionLogsEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	ca := tlstest.NewCA(t, "CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "site", DNSNames: []string{"site.test"}}).WriteFiles(t, dataDir, "site")
	fixed := []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200", ContentType: "text/plain", MessageBody: "ok"}}}
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{
		Name: "web",
		Attributes: map[string]string{"connection_logs.s3.enabled": "true", "connection_logs.s3.prefix": "c",
			"access_logs.s3.enabled": "true", "access_logs.s3.prefix": "a"},
		Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1", Protocol: "HTTPS", DefaultActions: fixed,
			Certificates: []config.Certificate{{CertificateFile: cert, PrivateKeyFile: key}}}},
	}}}
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "site.test"}}}
	for _, a := range dp.Addrs() {
		resp, err := client.Get("https://" + a.String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	client.CloseIdleConnections()
	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}
	conn := gzLines(t, filepath.Join(dataDir, "access-logs", "c", "AWSLogs", "000000000000", "elasticloadbalancing", "us-east-1", "*", "*", "*", "conn_log.000000000000_elasticloadbalancing_us-east-1_app.web.*.log.gz"))
	access := gzLines(t, filepath.Join(dataDir, "access-logs", "a", "AWSLogs", "*", "*", "*", "*", "*", "*", "000000000000_*.log.gz"))
	if len(conn) != 1 || len(access) != 1 {
		t.Fatalf("connection log %q, access log %q; want one entry each", conn, access)
	}
	fields := strings.Fields(conn[0])
	if len(fields) < 12 || fields[10] != "Success" || !strings.HasPrefix(fields[11], "TID_") {
		t.Fatalf("connection log entry: %s", conn[0])
	}
	if !strings.Contains(access[0], " "+fields[11]+" ") {
		t.Errorf("conn_trace_id %s not in the access log entry:\n%s", fields[11], access[0])
	}
}

// gzLines reads the one gzipped log file matching pattern.
func gzLines(t *testing.T, pattern string) []string {
	t.Helper()
	matches, _ := filepath.Glob(pattern)
	if len(matches) != 1 {
		t.Fatalf("files %v for %s", matches, pattern)
	}
	raw, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	return strings.Split(strings.TrimSpace(string(text)), "\n")
}
