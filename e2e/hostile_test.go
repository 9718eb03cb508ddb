package e2e

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// logEntry is what the tests read back from an access-log line.
type logEntry struct {
	status, errorReason, request string
}

// accessLogEntries parses the access log of inst (§8.2): field 9 elb_status_code, field 13 the
// request line, field 25 error_reason. Finished periods (.log.gz) are read too: a test may run
// across a 5-minute boundary.
func accessLogEntries(t *testing.T, inst *instance) []logEntry {
	t.Helper()
	var out []logEntry
	for _, line := range allAccessLogLines(t, inst) {
		f := logFields(line)
		if len(f) < 25 {
			continue
		}
		out = append(out, logEntry{status: f[8], request: f[12], errorReason: f[24]})
	}
	return out
}

// allAccessLogLines reads every access-log file of inst, current (.log) and finished (.log.gz).
func allAccessLogLines(t *testing.T, inst *instance) []string {
	t.Helper()
	var lines []string
	root := filepath.Join(filepath.Dir(inst.config), "data", "access-logs")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		var text []byte
		switch {
		case strings.HasSuffix(path, ".log"):
			text, _ = os.ReadFile(path)
		case strings.HasSuffix(path, ".log.gz"):
			if f, err := os.Open(path); err == nil {
				if zr, err := gzip.NewReader(f); err == nil {
					text, _ = io.ReadAll(zr)
				}
				f.Close()
			}
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(text)), "\n") {
			if line != "" {
				lines = append(lines, line)
			}
		}
		return nil
	})
	return lines
}

// logFields splits an access-log line into its fields; quoted fields lose their quotes.
func logFields(line string) []string {
	var fields []string
	for line != "" {
		line = strings.TrimLeft(line, " ")
		if strings.HasPrefix(line, `"`) {
			end := strings.Index(line[1:], `"`)
			if end < 0 {
				return append(fields, line[1:])
			}
			fields = append(fields, line[1:end+1])
			line = line[end+2:]
			continue
		}
		tok, rest, _ := strings.Cut(line, " ")
		fields = append(fields, tok)
		line = rest
	}
	return fields
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestHostilePeers attacks the listener as issue 11 describes, through the real binary: a
// request body that stalls (to a Lambda and to an HTTP target), a client that names the load
// balancer's headers in Connection, and a client that opens connections without end.
func TestHostilePeers(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: hostile
    attributes:
      idle_timeout.timeout_seconds: "1"
      access_logs.s3.enabled: "true"
      albatross.connections.max_per_source_ip: "8"
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
        rules:
          - priority: 1
            conditions: [{field: path-pattern, values: ["/fn/*"]}]
            actions: [{type: forward, target_group_name: fn}]
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
  - {name: fn, target_type: lambda, targets: [{id: chaos}]}
functions:
  - {function_name: chaos, runtime: provided.al2023, code: %q, build: go, timeout: 1}
`, port, site.port, abs(t, "testdata/functions/chaos")), port)
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	// Issue 11's reproduction: Content-Length 100, three bytes, silence. The ALB closes at the
	// idle timeout with 408 (§7: "client sent no data within the idle timeout", TMO-01).
	for _, path := range []string{"/fn/stalled", "/site/stalled"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(8 * time.Second)) // 8 idle timeouts
		_, _ = io.WriteString(c, "POST "+path+" HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 408 Request Time-out\r\n") {
			t.Fatalf("%s: stalled body got %q, %v; want 408 and a close", path, got, err)
		}
	}

	req := newRequest(t, "GET", "http://"+addr+"/headers", nil)
	req.Header.Set("Connection", "X-Forwarded-For, X-Forwarded-Port, X-Forwarded-Proto, X-Amzn-Trace-Id, X-Custom")
	req.Header.Set("X-Custom", "hop")
	resp, body := do(t, client(), req)
	var got seen
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v: %s", resp.StatusCode, err, body)
	}
	h := got.Header
	if h.Get("X-Forwarded-For") != "127.0.0.1" || h.Get("X-Forwarded-Port") != fmt.Sprint(port) ||
		h.Get("X-Forwarded-Proto") != "http" || !strings.HasPrefix(h.Get("X-Amzn-Trace-Id"), "Root=1-") || h.Get("X-Custom") != "" {
		t.Errorf("target saw %v: the load balancer's headers must survive Connection, the client's nominated one must not", h)
	}

	// A greedy client holds its 8 connections and no more; another client is served meanwhile.
	for i := range 30 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		defer c.Close()
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(8 * time.Second))
	_, _ = io.WriteString(c, "GET /other HTTP/1.1\r\nHost: a\r\n\r\n")
	if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("another client is not served while one is at its cap: %v", err)
	}
	inst.waitLog("connection refused: cap reached", 1)

	eventually(t, "408 entries in the access log", func() error {
		n := 0
		for _, e := range accessLogEntries(t, inst) {
			if strings.Contains(e.request, "/stalled ") {
				if e.status != "408" || e.errorReason != "-" {
					return fmt.Errorf("entry %+v, want 408 and error_reason -", e)
				}
				n++
			}
		}
		if n != 2 {
			return fmt.Errorf("%d entries for the stalled bodies, want 2", n)
		}
		return nil
	})
}
