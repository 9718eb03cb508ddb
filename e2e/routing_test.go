package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// routingConfig has one listener with rules of every condition type and every action type, in
// front of two echo backends.
func routingConfig(port int, site1, site2, api *backend, closedPort int) string {
	return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %[1]d
        address: 127.0.0.1
        default_actions:
          - {type: forward, target_group_name: site}
        rules:
          - priority: 5
            conditions:
              - {field: host-header, values: ["*.example.com"]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: "host rule"}}
          - priority: 10
            conditions:
              - {field: path-pattern, values: ["/api/*"]}
            actions:
              - {type: forward, target_group_name: api}
          - priority: 20
            conditions:
              - field: http-header
                http_header_config: {http_header_name: X-Env, values: ["beta*"]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "201", content_type: text/plain, message_body: "beta"}}
          - priority: 30
            conditions:
              - field: http-request-method
                http_request_method_config: {values: [DELETE]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "403", content_type: application/json, message_body: "{\"no\":\"deletes\"}"}}
          - priority: 40
            conditions:
              - field: query-string
                query_string_config: {values: [{key: version, value: "v2"}, {value: "*debug*"}]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "202", content_type: text/plain, message_body: "query"}}
          - priority: 50
            conditions:
              - {field: path-pattern, values: ["/old/*"]}
            actions:
              - type: redirect
                redirect_config: {protocol: HTTPS, port: "443", host: "#{host}", path: "/new/#{path}", query: "#{query}", status_code: HTTP_301}
          - priority: 60
            conditions:
              - {field: path-pattern, values: ["/empty"]}
            actions:
              - {type: forward, target_group_name: empty}
          - priority: 70
            conditions:
              - {field: path-pattern, values: ["/down"]}
            actions:
              - {type: forward, target_group_name: down}
          - priority: 80
            conditions:
              - field: source-ip
                source_ip_config: {values: ["10.0.0.0/8"]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "500", content_type: text/plain, message_body: "not from here"}}
          - priority: 90
            conditions:
              - {field: path-pattern, values: ["/src"]}
              - field: source-ip
                source_ip_config: {values: ["127.0.0.0/8", "::1/128"]}
            actions:
              - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: "loopback"}}
target_groups:
  - name: site
    port: %[2]d
    targets: [{id: 127.0.0.1, port: %[2]d}, {id: 127.0.0.1, port: %[3]d}]
  - name: api
    port: %[4]d
    targets: [{id: 127.0.0.1}]
  - name: empty
    port: 80
  - name: down
    port: %[5]d
    targets: [{id: 127.0.0.1}]
`, port, site1.port, site2.port, api.port, closedPort)
}

// TestRouting covers RUL-01, RUL-11, RUL-14, CND-HOST, CND-PATH, CND-HDR, CND-METH, CND-QS,
// CND-SRC, FIX-01, RDR-04 and the ALB pages of HC-06 (503) and a refused connection (502).
func TestRouting(t *testing.T) {
	t.Parallel()
	site1, site2 := startBackend(t, "site1", nil), startBackend(t, "site2", nil)
	api := startBackend(t, "api", nil)
	port := freePort(t)
	start(t, routingConfig(port, site1, site2, api, freePort(t)), port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := client()

	testCases := []struct {
		desc, method, path string
		header             map[string]string
		host               string
		wantStatus         int
		wantBody           string // substring
		wantBackend        string
	}{
		{desc: "default action forwards (LST-02)", method: "GET", path: "/index.html", wantStatus: 200, wantBackend: "site"},
		{desc: "host wildcard wins over later path rule (T22)", method: "GET", path: "/api/x", host: "test.EXAMPLE.com", wantStatus: 200, wantBody: "host rule"},
		{desc: "host pattern needs a subdomain (RUL-14)", method: "GET", path: "/", host: "example.com", wantStatus: 200, wantBackend: "site"},
		{desc: "path prefix forwards to api", method: "GET", path: "/api/items?id=1", wantStatus: 200, wantBackend: "api"},
		{desc: "path is case sensitive (T23)", method: "GET", path: "/API/items", wantStatus: 200, wantBackend: "site"},
		{desc: "path ignores the query (T25)", method: "GET", path: "/img/a?x=/api/", wantStatus: 200, wantBackend: "site"},
		{desc: "header value wildcard, case-insensitive", method: "GET", path: "/", header: map[string]string{"x-env": "BETA-2"}, wantStatus: 201, wantBody: "beta"},
		{desc: "method is exact", method: "DELETE", path: "/thing", wantStatus: 403, wantBody: `{"no":"deletes"}`},
		{desc: "method is case sensitive (T24)", method: "delete", path: "/thing", wantStatus: 200, wantBackend: "site"},
		{desc: "query key/value", method: "GET", path: "/?version=v2", wantStatus: 202, wantBody: "query"},
		{desc: "query value under any key", method: "GET", path: "/?mode=SuperDebugMode", wantStatus: 202, wantBody: "query"},
		{desc: "query needs the pair", method: "GET", path: "/?version=v1", wantStatus: 200, wantBackend: "site"},
		{desc: "source ip matches the TCP peer", method: "GET", path: "/src", wantStatus: 200, wantBody: "loopback"},
		{desc: "source ip ignores X-Forwarded-For (CND-SRC)", method: "GET", path: "/", header: map[string]string{"X-Forwarded-For": "10.1.2.3"}, wantStatus: 200, wantBackend: "site"},
		{desc: "no targets: 503 (HC-06, T28)", method: "GET", path: "/empty", wantStatus: 503, wantBody: "<center><h1>503 Service Temporarily Unavailable</h1></center>"},
		{desc: "refused connection: 502", method: "GET", path: "/down", wantStatus: 502, wantBody: "<center><h1>502 Bad Gateway</h1></center>"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			req := newRequest(t, tc.method, base+tc.path, nil)
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
			if tc.wantBody != "" && !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body %q does not contain %q", body, tc.wantBody)
			}
			if tc.wantBackend != "" && !strings.HasPrefix(resp.Header.Get("X-Backend"), tc.wantBackend) {
				t.Errorf("served by %q, want %s*", resp.Header.Get("X-Backend"), tc.wantBackend)
			}
		})
	}
}

// TestRoundRobin checks that the default algorithm alternates over both targets (ALG-01).
func TestRoundRobin(t *testing.T) {
	t.Parallel()
	site1, site2 := startBackend(t, "site1", nil), startBackend(t, "site2", nil)
	api := startBackend(t, "api", nil)
	port := freePort(t)
	inst := start(t, routingConfig(port, site1, site2, api, freePort(t)), port)
	// The split is exact only once both targets are in rotation: a loaded machine can pass
	// site1's health checks well before site2's.
	for _, b := range []*backend{site1, site2} {
		inst.waitLog(fmt.Sprintf("target=127.0.0.1:%d from=initial to=healthy", b.port), 1)
	}
	c := client()
	counts := map[string]int{}
	for range 20 {
		resp, _ := do(t, c, newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/", port), nil))
		counts[resp.Header.Get("X-Backend")]++
	}
	if counts["site1"] != 10 || counts["site2"] != 10 {
		t.Fatalf("round robin split %v, want 10/10", counts)
	}
}

// TestRedirectLocation checks the exact redirect response (T26, RDR-02, RDR-04, ERR-BODY).
func TestRedirectLocation(t *testing.T) {
	t.Parallel()
	site1, site2 := startBackend(t, "site1", nil), startBackend(t, "site2", nil)
	port := freePort(t)
	start(t, routingConfig(port, site1, site2, site1, freePort(t)), port)
	got := raw(t, port, "GET /old/a/b?c=d HTTP/1.1\r\nHost: Ex.COM\r\nConnection: close\r\n\r\n")
	for _, want := range []string{
		"HTTP/1.1 301 Moved Permanently\r\n",
		"Location: https://ex.com:443/new/old/a/b?c=d\r\n",
		"Server: awselb/2.0\r\n",
		"Content-Type: text/html\r\n",
		"Content-Length: 134\r\n",
		"<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("response lacks %q:\n%s", want, got)
		}
	}
}

// TestForwardedHeaders checks what a target receives (XFF-01, XFP-01, HDR-TRACE-02/03, HOST-01).
func TestForwardedHeaders(t *testing.T) {
	t.Parallel()
	site, other := startBackend(t, "site", nil), startBackend(t, "other", nil)
	port := freePort(t)
	start(t, routingConfig(port, site, other, site, freePort(t)), port)
	c := client()

	req := newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/h?x=1", port), nil)
	req.Host = "Example.com"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678;CalledFrom=app")
	_, body := do(t, c, req)
	var got seen
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if want := "203.0.113.9, 127.0.0.1"; got.Header.Get("X-Forwarded-For") != want {
		t.Errorf("X-Forwarded-For %q, want %q", got.Header.Get("X-Forwarded-For"), want)
	}
	if got.Header.Get("X-Forwarded-Proto") != "http" || got.Header.Get("X-Forwarded-Port") != fmt.Sprint(port) {
		t.Errorf("X-Forwarded-Proto %q Port %q", got.Header.Get("X-Forwarded-Proto"), got.Header.Get("X-Forwarded-Port"))
	}
	trace := got.Header.Get("X-Amzn-Trace-Id")
	if !strings.HasPrefix(trace, "Self=1-") || !strings.HasSuffix(trace, ";Root=1-67891233-abcdef012345678912345678;CalledFrom=app") {
		t.Errorf("X-Amzn-Trace-Id %q", trace)
	}
	if want := fmt.Sprintf("example.com:%d", port); got.Host != want {
		t.Errorf("Host %q, want %q (T33)", got.Host, want)
	}
	if got.URI != "/h?x=1" {
		t.Errorf("URI %q", got.URI)
	}
	if got.Header.Get("Accept-Encoding") != "gzip" {
		// The client's own Accept-Encoding passes; the proxy must not add or strip it.
		t.Errorf("Accept-Encoding %q", got.Header.Get("Accept-Encoding"))
	}
}

// TestLoadBalancerRejections sends malformed or refused requests over raw TCP (LST-05b, LST-06,
// LST-07, LIM-01..03, T19, T29, T30).
func TestLoadBalancerRejections(t *testing.T) {
	t.Parallel()
	site, other := startBackend(t, "site", nil), startBackend(t, "other", nil)
	port := freePort(t)
	start(t, routingConfig(port, site, other, site, freePort(t)), port)
	xff31 := strings.Repeat("10.0.0.1, ", 30) + "10.0.0.2"
	testCases := []struct {
		desc, request, wantStatusLine string
	}{
		{"TRACE is 405", "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 405 Not Allowed\r\n"},
		{"no Host on HTTP/1.1 is 400", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"Transfer-Encoding gzip is 501", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 501 Not Implemented\r\n"},
		{"31 X-Forwarded-For addresses is 463", "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: " + xff31 + "\r\n\r\n", "HTTP/1.1 463 Too Many X-Forwarded-For Addresses\r\n"},
		{"header over 16K is 400", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("a", 17<<10) + "\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"header block over 64K is 400", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-Many: "+strings.Repeat("b", 8000)+"\r\n", 9) + "\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"header block far over the limit is 400", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-Many: "+strings.Repeat("b", 8000)+"\r\n", 20) + "\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"request line over 16K is 414", "GET /" + strings.Repeat("p", 17<<10) + " HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 414 Request-URI Too Large\r\n"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			got := raw(t, port, tc.request)
			if !strings.HasPrefix(got, tc.wantStatusLine) {
				t.Fatalf("got %.200q, want status line %q", got, tc.wantStatusLine)
			}
			if !strings.Contains(got, "Server: awselb/2.0\r\n") || !strings.Contains(got, "<html>\r\n<head><title>") {
				t.Errorf("not an ALB page: %.300q", got)
			}
		})
	}
}
