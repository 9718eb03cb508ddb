package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// transformConfig has regex conditions and rule transforms in front of one echo backend, with
// response header modification on the listener and the strictest desync mode with invalid
// header fields dropped on the load balancer.
func transformConfig(port int, site *backend) string {
	return fmt.Sprintf(`
load_balancers:
  - name: rewrites
    attributes:
      routing.http.desync_mitigation_mode: strictest
      routing.http.drop_invalid_header_fields.enabled: "true"
    listeners:
      - port: %[1]d
        address: 127.0.0.1
        attributes:
          routing.http.response.x_frame_options.header_value: DENY
          routing.http.response.strict_transport_security.header_value: max-age=31536000
        default_actions:
          - {type: forward, target_group_name: site}
        rules:
          - priority: 10
            conditions:
              - field: path-pattern
                path_pattern_config: {regex_values: ['^/dp/[A-Za-z0-9]+/?$']}
            transforms:
              - type: url-rewrite
                url_rewrite_config: {rewrites: [{regex: '^/dp/([A-Za-z0-9]+)/?$', replace: '/product.php?id=$1'}]}
            actions:
              - {type: forward, target_group_name: site}
          - priority: 20
            conditions:
              - field: host-header
                host_header_config: {regex_values: ['^legacy-[a-z]+\.example\.com(:\d+)?$']}
            transforms:
              - type: host-header-rewrite
                host_header_rewrite_config: {rewrites: [{regex: '^legacy-([a-z]+)\.example\.com', replace: '$1.internal.example.com'}]}
            actions:
              - {type: forward, target_group_name: site}
          - priority: 30
            conditions:
              - {field: path-pattern, values: ["/broken/*"]}
            transforms:
              - type: url-rewrite
                url_rewrite_config: {rewrites: [{regex: '^/broken/(.*)$', replace: 'no-leading-slash/$1'}]}
            actions:
              - {type: forward, target_group_name: site}
          - priority: 40
            conditions:
              - field: http-header
                http_header_config: {http_header_name: X-Env, regex_values: ['^canary-\d+$']}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "202", content_type: text/plain, message_body: "canary"}}
target_groups:
  - name: site
    port: %[2]d
    targets: [{id: 127.0.0.1}]
`, port, site.port)
}

// TestRegexAndTransforms covers RUL-15, TRF-03..05 and HDR-RESP-01 through the real binary.
func TestRegexAndTransforms(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	start(t, transformConfig(port, site), port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := client()

	testCases := []struct {
		desc, path, host string
		header           map[string]string
		wantStatus       int
		wantURI          string // what the backend saw
		wantHost         string // prefix of what the backend saw
		wantBody         string
	}{
		{desc: "RUL-15 TRF-05 path regex and url-rewrite", path: "/dp/B0042", wantStatus: 200, wantURI: "/product.php?id=B0042"},
		{desc: "RUL-15 path regex is case-sensitive", path: "/DP/B0042", wantStatus: 200, wantURI: "/DP/B0042"},
		{desc: "RUL-15 TRF-05 host regex sees the port, host-header-rewrite", path: "/x", host: fmt.Sprintf("Legacy-eu.example.com:%d", port),
			wantStatus: 200, wantURI: "/x", wantHost: "eu.internal.example.com"},
		{desc: "TRF-04 failed rewrite is a 500", path: "/broken/a", wantStatus: 500, wantBody: "500 Internal Server Error"},
		{desc: "RUL-15 header regex", path: "/", header: map[string]string{"X-Env": "canary-12"}, wantStatus: 202, wantBody: "canary"},
		{desc: "RUL-15 header regex needs the whole pattern", path: "/", header: map[string]string{"X-Env": "canary-x"}, wantStatus: 200, wantURI: "/"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			req := newRequest(t, "GET", base+tc.path, nil)
			if tc.host != "" {
				req.Host = tc.host
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, body := do(t, c, req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tc.wantStatus, body)
			}
			// HDR-RESP-01 on proxied, fixed and generated responses alike (§12.19).
			if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("Strict-Transport-Security") != "max-age=31536000" {
				t.Errorf("response headers %v lack the listener's", resp.Header)
			}
			if tc.wantBody != "" && !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body %q lacks %q", body, tc.wantBody)
			}
			if tc.wantURI == "" {
				return
			}
			var s seen
			if err := json.Unmarshal(body, &s); err != nil {
				t.Fatalf("backend answer %q: %v", body, err)
			}
			if s.URI != tc.wantURI || !strings.HasPrefix(s.Host, tc.wantHost) {
				t.Errorf("backend saw %q host %q, want %q host %q*", s.URI, s.Host, tc.wantURI, tc.wantHost)
			}
		})
	}
}

// TestDesyncStrictestAndDroppedHeaders covers DSY-02 (strictest blocks an Acceptable request
// with 400 and closes) and DSY-03 (invalid header names never reach the target).
func TestDesyncStrictestAndDroppedHeaders(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	start(t, transformConfig(port, site), port)

	got := raw(t, port, "GET / HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: 0\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 400 Bad Request\r\n") || !strings.Contains(got, "Connection: close\r\n") {
		t.Errorf("GetHeadZeroContentLength in strictest mode: got\n%s", got)
	}

	got = raw(t, port, "GET /h HTTP/1.1\r\nHost: a.example.com\r\nX_Secret: 1\r\nX-Fine: 2\r\nConnection: close\r\n\r\n")
	_, body, ok := strings.Cut(got, "\r\n\r\n")
	var s seen
	if !ok || json.Unmarshal([]byte(body), &s) != nil {
		t.Fatalf("no backend answer:\n%s", got)
	}
	if _, leaked := s.Header["X_secret"]; leaked || s.Header.Get("X-Fine") != "2" {
		t.Errorf("backend headers %v: want X_Secret dropped and X-Fine kept", s.Header)
	}
}
