package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestXFFModes checks the three routing.http.xff_header_processing.mode values and the client
// port option (XFF-01, XFF-02, T18).
func TestXFFModes(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	testCases := []struct {
		desc, attributes, incoming, want string
	}{
		{"append, no incoming header", "{}", "", "127.0.0.1"},
		{"append to incoming", "{}", "127.0.0.4, 127.0.0.8", "127.0.0.4, 127.0.0.8, 127.0.0.1"},
		{"append with client port", `{routing.http.xff_client_port.enabled: "true"}`, "", "127.0.0.1:"},
		{"preserve keeps it byte for byte", `{routing.http.xff_header_processing.mode: preserve}`, "a,b ,  c", "a,b ,  c"},
		{"preserve keeps it absent", `{routing.http.xff_header_processing.mode: preserve}`, "", ""},
		{"remove drops it", `{routing.http.xff_header_processing.mode: remove}`, "10.0.0.1", ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			port := freePort(t)
			start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    attributes: %s
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
`, tc.attributes, port, site.port), port)
			req := newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/", port), nil)
			if tc.incoming != "" {
				req.Header.Set("X-Forwarded-For", tc.incoming)
			}
			_, body := do(t, client(), req)
			var got seen
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			xff, present := got.Header["X-Forwarded-For"]
			switch {
			case tc.want == "" && present:
				t.Fatalf("X-Forwarded-For %q, want none", xff)
			case strings.HasSuffix(tc.want, ":"):
				if len(xff) != 1 || !strings.HasPrefix(xff[0], tc.want) || len(xff[0]) <= len(tc.want) {
					t.Fatalf("X-Forwarded-For %q, want %sPORT", xff, tc.want)
				}
			case tc.want != "" && (len(xff) != 1 || xff[0] != tc.want):
				t.Fatalf("X-Forwarded-For %q, want %q", xff, tc.want)
			}
		})
	}
}

// TestTargetTimeout checks that a target silent for the idle timeout gets the client a 504
// (TMO-02) with the ALB page.
func TestTargetTimeout(t *testing.T) {
	t.Parallel()
	slow := startBackend(t, "slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    attributes: {idle_timeout.timeout_seconds: "1"}
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: slow}]
target_groups:
  - {name: slow, port: %d, targets: [{id: 127.0.0.1}]}
`, port, slow.port), port)
	got := raw(t, port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 504 Gateway Time-out\r\n") || !strings.Contains(got, "<h1>504 Gateway Time-out</h1>") {
		t.Fatalf("got %q", got)
	}
}

// TestWeightedStickiness checks a weighted forward: the split follows the weights, and with
// target group stickiness the AWSALBTG cookies pin a client (FWD-01, FWD-02, T34).
func TestWeightedStickiness(t *testing.T) {
	t.Parallel()
	blue, green := startBackend(t, "blue", nil), startBackend(t, "green", nil)
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions:
          - type: forward
            forward_config:
              target_groups:
                - {target_group_name: blue, weight: 10}
                - {target_group_name: green, weight: 20}
        rules:
          - priority: 1
            conditions: [{field: path-pattern, values: ["/sticky*"]}]
            actions:
              - type: forward
                forward_config:
                  target_groups:
                    - {target_group_name: blue, weight: 1}
                    - {target_group_name: green, weight: 1}
                  target_group_stickiness_config: {enabled: true, duration_seconds: 300}
target_groups:
  - {name: blue, port: %d, targets: [{id: 127.0.0.1}]}
  - {name: green, port: %d, targets: [{id: 127.0.0.1}]}
`, port, blue.port, green.port), port)
	c := client()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	counts := map[string]int{}
	const n = 600
	for range n {
		resp, _ := do(t, c, newRequest(t, "GET", base+"/", nil))
		counts[resp.Header.Get("X-Backend")]++
		if len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Fatal("cookies without stickiness")
		}
	}
	// 1/3 vs 2/3: 200 expected for blue; ±6 standard deviations (σ≈11.5) keeps flakes out.
	if counts["blue"] < 130 || counts["blue"] > 270 {
		t.Fatalf("weighted split %v, want about 200/400", counts)
	}

	resp, _ := do(t, c, newRequest(t, "GET", base+"/sticky", nil))
	first := resp.Header.Get("X-Backend")
	cookies := resp.Header.Values("Set-Cookie")
	if len(cookies) != 2 || !strings.HasPrefix(cookies[0], "AWSALBTG=") || !strings.HasSuffix(cookies[0], "; Path=/") ||
		!strings.HasPrefix(cookies[1], "AWSALBTGCORS=") || !strings.HasSuffix(cookies[1], "; Path=/; SameSite=None; Secure") ||
		!strings.Contains(cookies[0], "; Expires=") {
		t.Fatalf("Set-Cookie %q", cookies)
	}
	value := strings.TrimPrefix(strings.SplitN(cookies[0], ";", 2)[0], "AWSALBTG=")
	for range 30 {
		req := newRequest(t, "GET", base+"/sticky", nil)
		req.Header.Set("Cookie", "AWSALBTG="+value)
		resp, _ := do(t, c, req)
		if got := resp.Header.Get("X-Backend"); got != first {
			t.Fatalf("sticky request went to %s, first went to %s", got, first)
		}
	}
	// A forged cookie is not honoured: requests spread again.
	seenGroups := map[string]bool{}
	for range 40 {
		req := newRequest(t, "GET", base+"/sticky", nil)
		req.Header.Set("Cookie", "AWSALBTG=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
		resp, _ := do(t, c, req)
		seenGroups[resp.Header.Get("X-Backend")] = true
	}
	if len(seenGroups) != 2 {
		t.Fatalf("forged cookies all went to %v", seenGroups)
	}
}

// TestHTTP10WithoutHost checks LST-05: an HTTP/1.0 request without Host is forwarded with the
// load balancer's DNS name.
func TestHTTP10WithoutHost(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
`, port, site.port), port)
	got := raw(t, port, "GET /x HTTP/1.0\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.0 200 OK\r\n") || !strings.Contains(got, `"host":"web-`) || !strings.Contains(got, `.elb.localhost:`) {
		t.Fatalf("got %q", got)
	}
}

// TestStalledRequestTimeout checks TMO-01 and T32: a client that starts a request and then sends
// nothing for the idle timeout gets 408; one that never sends a byte is closed silently.
func TestStalledRequestTimeout(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    attributes: {idle_timeout.timeout_seconds: "1"}
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions:
          - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: "ok"}}
`, port), port)
	got := rawWait(t, port, "GET / HTTP/1.1\r\nHost: a\r\n", 3*time.Second)
	if !strings.HasPrefix(got, "HTTP/1.1 408 Request Time-out\r\n") || !strings.Contains(got, "<h1>408 Request Time-out</h1>") {
		t.Fatalf("stalled request got %q", got)
	}
	if got := rawWait(t, port, "", 3*time.Second); got != "" {
		t.Fatalf("silent connection got %q", got)
	}
}

// TestExpectContinue checks LST-08: the load balancer answers 100 Continue itself and the target
// never sees the Expect header.
func TestExpectContinue(t *testing.T) {
	t.Parallel()
	site := startBackend(t, "site", nil)
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
`, port, site.port), port)
	req := newRequest(t, "POST", fmt.Sprintf("http://127.0.0.1:%d/upload", port), strings.NewReader("payload"))
	req.Header.Set("Expect", "100-continue")
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	resp, body := do(t, c, req)
	var got seen
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if resp.StatusCode != 200 || got.Body != "payload" || got.Header.Get("Expect") != "" {
		t.Fatalf("status %d, target saw body %q and Expect %q", resp.StatusCode, got.Body, got.Header.Get("Expect"))
	}
}
