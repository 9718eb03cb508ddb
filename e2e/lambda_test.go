package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func lambdaConfig(t *testing.T, port int) string {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return fmt.Sprintf(`
load_balancers:
  - name: fn
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: echo}]
        rules:
          - priority: 1
            conditions: [{field: path-pattern, values: ["/multi/*"]}]
            actions: [{type: forward, target_group_name: echo-multi}]
          - priority: 2
            conditions: [{field: path-pattern, values: ["/node/*"]}]
            actions: [{type: forward, target_group_name: node}]
          - priority: 3
            conditions: [{field: path-pattern, values: ["/python/*"]}]
            actions: [{type: forward, target_group_name: python}]
          - priority: 4
            conditions: [{field: path-pattern, values: ["/nofn"]}]
            actions: [{type: forward, target_group_name: nofn}]
          - priority: 5
            conditions: [{field: path-pattern, values: ["/strict/*"]}]
            actions: [{type: forward, target_group_name: echo-strict}]
target_groups:
  - {name: echo, target_type: lambda, targets: [{id: echo}]}
  - name: echo-multi
    target_type: lambda
    targets: [{id: "arn:aws:lambda:us-east-1:000000000000:function:echo"}]
    attributes: {lambda.multi_value_headers.enabled: "true"}
  - {name: node, target_type: lambda, targets: [{id: node}]}
  - {name: python, target_type: lambda, targets: [{id: python}]}
  - {name: nofn, target_type: lambda}
  - name: echo-strict
    target_type: lambda
    targets: [{id: echo}]
    attributes: {albatross.lambda.strict: "true"}
functions:
  - {function_name: echo, runtime: provided.al2023, code: %q, build: go, timeout: 1}
  - {function_name: node, runtime: nodejs20.x, handler: index.handler, code: %q}
  - {function_name: python, runtime: python3.12, handler: app.handler, code: %q}
`, port, abs("testdata/functions/albecho"), abs("testdata/functions/node"), abs("testdata/functions/python"))
}

// TestLambdaTargets runs real functions behind the load balancer: an aws-lambda-go function, a
// Node.js one and a Python one (LAM-01..27, T1, T2, T3, T7, T9-T17, HC-06).
func TestLambdaTargets(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"node", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	port := freePort(t)
	inst := start(t, lambdaConfig(t, port), port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := client()

	t.Run("event of a GET, multi-value off (T1, T3, T7, LAM-10..15)", func(t *testing.T) {
		req := newRequest(t, "GET", base+"/a/b?x=1&x=2&q=a%20b%2Bc", nil)
		req.Header.Add("Cookie", "one=1")
		req.Header.Add("Cookie", "two=2")
		resp, body := do(t, c, req)
		if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" {
			t.Fatalf("status %d headers %v body %s", resp.StatusCode, resp.Header, body)
		}
		var ev events.ALBTargetGroupRequest
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if root := strings.Split(ev.Headers["x-amzn-trace-id"], ";")[0]; resp.Header.Get("X-Trace") != root+";Sampled=0" {
			t.Errorf("function trace %q, request trace %q", resp.Header.Get("X-Trace"), ev.Headers["x-amzn-trace-id"])
		}
		// The function's log lines (START, END, REPORT) carry the request's trace root.
		inst.waitLog(`trace_id="`+strings.Split(ev.Headers["x-amzn-trace-id"], ";")[0]+`;Sampled=0"`, 3)
		if got := resp.Header.Get("X-Invoked-Arn"); got != "arn:aws:lambda:us-east-1:000000000000:function:echo" {
			t.Errorf("invoked ARN %q (LAM-04)", got)
		}
		if ev.HTTPMethod != "GET" || ev.Path != "/a/b" || ev.Body != "" || ev.IsBase64Encoded {
			t.Errorf("event %+v", ev)
		}
		if ev.QueryStringParameters["x"] != "2" || ev.QueryStringParameters["q"] != "a%20b%2Bc" || ev.MultiValueQueryStringParameters != nil {
			t.Errorf("query %v / %v", ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
		}
		if ev.Headers["cookie"] != "two=2" || ev.Headers["x-forwarded-for"] != "127.0.0.1" || ev.Headers["x-forwarded-proto"] != "http" ||
			ev.Headers["x-forwarded-port"] != fmt.Sprint(port) || !strings.HasPrefix(ev.Headers["x-amzn-trace-id"], "Root=1-") {
			t.Errorf("headers %v", ev.Headers)
		}
		if !strings.HasSuffix(ev.RequestContext.ELB.TargetGroupArn, ":targetgroup/echo/"+ev.RequestContext.ELB.TargetGroupArn[len(ev.RequestContext.ELB.TargetGroupArn)-16:]) {
			t.Errorf("target group ARN %q", ev.RequestContext.ELB.TargetGroupArn)
		}
	})

	t.Run("event of a POST, multi-value on (T2, T6, LAM-12)", func(t *testing.T) {
		req := newRequest(t, "POST", base+"/multi/x?x=1&x=2", strings.NewReader("a=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := do(t, c, req)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d body %s", resp.StatusCode, body)
		}
		var ev events.ALBTargetGroupRequest
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		if got := ev.MultiValueQueryStringParameters["x"]; len(got) != 2 || got[0] != "1" || got[1] != "2" || ev.QueryStringParameters != nil || ev.Headers != nil {
			t.Errorf("multi-value event %+v", ev)
		}
		if ev.Body != "YT1i" || !ev.IsBase64Encoded {
			t.Errorf("body %q base64 %v", ev.Body, ev.IsBase64Encoded)
		}
		if got := resp.Header.Values("X-Multi"); len(got) != 2 {
			t.Errorf("multiValueHeaders not used: %v", resp.Header)
		}
	})

	testCases := []struct {
		desc, method, path string
		body               []byte
		header             map[string]string
		wantStatus         int
		wantBody           string
	}{
		{"function error is 502 (LambdaUnhandled, T15)", "GET", "/error", nil, nil, 502, "502 Bad Gateway"},
		{"timeout is 502 (T15)", "GET", "/sleep", nil, nil, 502, "502 Bad Gateway"},
		{"crash is 502 (T15)", "GET", "/exit", nil, nil, 502, "502 Bad Gateway"},
		{"after a crash a fresh environment answers", "GET", "/minimal", nil, nil, 200, ""},
		{"null body is 502 (T11, LAM-22)", "GET", "/null-body", nil, nil, 502, "502 Bad Gateway"},
		{"base64 response is decoded (T13)", "GET", "/binary", nil, nil, 201, "\x00\x01\x02\xff"},
		{"hop-by-hop headers dropped (T14)", "GET", "/hop", nil, nil, 200, "x"},
		{"request body over 1 MB is 413 (T9)", "POST", "/big", bytes.Repeat([]byte("a"), 1<<20+1), map[string]string{"Content-Type": "text/plain"}, 413, "413 Request Entity Too Large"},
		{"websocket upgrade is 400 (T17)", "GET", "/ws", nil, map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}, 400, "400 Bad Request"},
		{"no function registered is 503 (HC-06)", "GET", "/nofn", nil, nil, 503, "503 Service Temporarily Unavailable"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			req := newRequest(t, tc.method, base+tc.path, bytes.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, body := do(t, c, req)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(string(body), tc.wantBody) {
				t.Fatalf("status %d body %q, want %d containing %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
			if tc.path == "/hop" && (resp.Header.Get("X-Kept") != "yes" || resp.TransferEncoding != nil || resp.ContentLength != 1) {
				t.Errorf("headers %v, transfer-encoding %v", resp.Header, resp.TransferEncoding)
			}
		})
	}

	t.Run("strict mode says why a response was rejected", func(t *testing.T) {
		resp, body := do(t, c, newRequest(t, "GET", base+"/strict/null-body", nil))
		if resp.StatusCode != 502 || !strings.Contains(resp.Header.Get("X-Albatross-Error"), "body") {
			t.Fatalf("status %d, X-Albatross-Error %q, body %q", resp.StatusCode, resp.Header.Get("X-Albatross-Error"), body)
		}
		resp, _ = do(t, c, newRequest(t, "GET", base+"/null-body", nil))
		if resp.StatusCode != 502 || resp.Header.Get("X-Albatross-Error") != "" {
			t.Fatalf("without strict mode: status %d, X-Albatross-Error %q", resp.StatusCode, resp.Header.Get("X-Albatross-Error"))
		}
	})

	for _, rt := range []string{"node", "python"} {
		t.Run(rt+" function end to end", func(t *testing.T) {
			resp, body := do(t, c, newRequest(t, "GET", base+"/"+rt+"/p?k=v", nil))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
			var got struct {
				Runtime, Method, Path, RequestID string
				Query                            map[string]string
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if got.Runtime != rt || got.Method != "GET" || got.Path != "/"+rt+"/p" || got.Query["k"] != "v" || got.RequestID == "" {
				t.Fatalf("%+v", got)
			}
		})
	}

	t.Run("HEAD gets the function's GET headers, its Content-Length included, and no body", func(t *testing.T) {
		// The Python function answers HEAD with the length of the body a GET would get.
		answer := rawWait(t, port, "HEAD /python/p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 20*time.Second)
		head, rest, _ := strings.Cut(answer, "\r\n\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 200") || rest != "" {
			t.Fatalf("HEAD answer %q; want a 200 without a body", answer)
		}
		lengths := regexp.MustCompile(`(?mi)^Content-Length: (\d+)\r?$`).FindAllStringSubmatch(head, -1)
		if len(lengths) != 1 || lengths[0][1] == "0" || !strings.Contains(strings.ToLower(head), "content-type: application/json") {
			t.Errorf("HEAD headers:\n%s\nwant one non-zero Content-Length (the GET body's) and the function's Content-Type", head)
		}
	})
}
