package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestDesyncRawHeadClasses: through the real binary, the classes only the raw request head
// shows (issue 14) are answered as DSY-02 says in the default defensive mode and logged with
// their classification and reason (§8.2 fields 28 and 29): CL and TE together, equal
// Content-Lengths (served, then closed), different ones (blocked).
func TestDesyncRawHeadClasses(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: rawhead
    attributes: {access_logs.s3.enabled: "true"}
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
`, port, site.port), port)
	cases := []struct {
		path, head, body, status, class, reason string
	}{
		{"/both", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "1\r\nx\r\n0\r\n\r\n", "200", "Ambiguous", "BothTeClPresent"},
		{"/dup", "Content-Length: 1\r\nContent-Length: 1\r\n", "x", "200", "Ambiguous", "DuplicateContentLength"},
		{"/multi", "Content-Length: 1\r\nContent-Length: 2\r\n", "xy", "400", "Severe", "MultipleContentLength"},
	}
	for _, tc := range cases {
		got := raw(t, port, "POST "+tc.path+" HTTP/1.1\r\nHost: a.example.com\r\n"+tc.head+"\r\n"+tc.body)
		if !strings.HasPrefix(got, "HTTP/1.1 "+tc.status+" ") || !strings.Contains(got, "Connection: close\r\n") {
			t.Errorf("%s: got\n%s\nwant %s with Connection: close", tc.path, got, tc.status)
		}
	}
	eventually(t, "the classifications in the access log", func() error {
		for _, tc := range cases {
			found := false
			for _, line := range allAccessLogLines(t, inst) {
				f := logFields(line)
				if len(f) < 29 || !strings.Contains(f[12], tc.path+" ") {
					continue
				}
				found = true
				if f[8] != tc.status || f[27] != tc.class || f[28] != tc.reason {
					return fmt.Errorf("%s logged status %s classification %q reason %q, want %s %s %s", tc.path, f[8], f[27], f[28], tc.status, tc.class, tc.reason)
				}
			}
			if !found {
				return fmt.Errorf("no entry for %s yet", tc.path)
			}
		}
		return nil
	})
}
