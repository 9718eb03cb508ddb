package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// brokenFunction is a Python function that answers /shop/broken with a response the ALB rejects
// ("headers": null, LAM-22) and everything else with 200.
const brokenFunction = `def handler(event, context):
    if event["path"].startswith("/shop/broken"):
        return {"statusCode": 200, "headers": None, "body": "oops"}
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
`

// liveDashboard runs a load balancer with a rule to a strict-mode Lambda target group (the
// Python function above), a rule to an HTTP target, a fixed response and the default 404, and
// the dashboard on an API-like server. It returns the listener's address and the dashboard URL.
func liveDashboard(t *testing.T) (lbAddr, dashURL string) {
	t.Helper()
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "app.py"), []byte(brokenFunction), 0o644); err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(len(r.URL.Path)) * time.Millisecond) // a spread of response times
		_, _ = w.Write([]byte("api"))
	}))
	t.Cleanup(backend.Close)
	backendPort, _ := strconv.Atoi(backend.URL[strings.LastIndex(backend.URL, ":")+1:])
	rt := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), ExplainRecent: explainStub})
	forward := func(tg string) []config.Action {
		return []config.Action{{Type: config.ActionForward, TargetGroupName: tg}}
	}
	path := func(p string) []config.Condition {
		return []config.Condition{{Field: "path-pattern", Values: []string{p}}}
	}
	timeout := 5
	cfg := &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
			DefaultActions: []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404", ContentType: "text/plain"}}},
			Rules: []config.Rule{
				{Priority: 10, Conditions: path("/shop*"), Actions: forward("shop")},
				{Priority: 20, Conditions: path("/api*"), Actions: forward("api")},
				{Priority: 30, Conditions: path("/tea*"), Actions: []config.Action{{Type: config.ActionFixedResponse,
					FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "418", ContentType: "text/plain"}}}},
			}}}}},
		TargetGroups: []config.TargetGroup{
			{Name: "shop", TargetType: config.TargetTypeLambda, Targets: []config.Target{{ID: "shop"}},
				Attributes: map[string]string{"albatross.lambda.strict": "true"}},
			{Name: "api", TargetType: "ip", Port: backendPort, Targets: []config.Target{{ID: "127.0.0.1"}}},
		},
		Functions: []config.Function{{FunctionName: "shop", Runtime: "python3.12", Handler: "app.handler", Code: code, Timeout: &timeout}},
	}
	ctx := context.Background()
	if err := rt.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(ctx) })
	for _, a := range rt.Addrs() {
		lbAddr = a.String()
	}
	mux := http.NewServeMux()
	mux.Handle("/dashboard/", rt.DashboardHandler())
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	return lbAddr, api.URL + "/dashboard/"
}

// scriptedLoad sends a steady mix of requests until stop is closed: successes through the
// function and the HTTP target, 418s, 404s and, every 10th round, the function's broken answer.
func scriptedLoad(t *testing.T, lbAddr string, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	wg.Go(func() {
		for round := 0; ; round++ {
			paths := []string{"/shop/cart", "/api/items", "/api/items/long/path/for/a/slower/answer", "/teapot", "/missing"}
			if round%10 == 0 {
				paths = append(paths, "/shop/broken")
			}
			for _, p := range paths {
				select {
				case <-stop:
					return
				default:
				}
				if resp, err := client.Get("http://" + lbAddr + p); err == nil {
					resp.Body.Close()
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return &wg
}

// headlessChromium runs Chromium on url with extra flags and returns its standard output.
func headlessChromium(t *testing.T, bin, url string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=4000"}, flags...)
	out, err := exec.CommandContext(ctx, bin, append(args, url)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// TestDashboardLiveInChromium loads the dashboard in headless Chromium while a scripted load
// runs through a listener, and checks what an operator needs to see: charts that received
// points, a forced 502 (a function's invalid response) listed with its reason, and its detail
// view with the rule that matched, the event sent, the response received and strict mode's
// explanation. With ALBATROSS_DASHBOARD_SCREENSHOT=file.png it also saves a screenshot of that
// page (scripts/dashboard-screenshot.sh).
func TestDashboardLiveInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium on PATH (scripts/install-test-deps.sh, or set ALBATROSS_CHROMIUM)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	lbAddr, dash := liveDashboard(t)
	stop := make(chan struct{})
	load := scriptedLoad(t, lbAddr, stop)
	defer func() { close(stop); load.Wait() }()

	id := waitForStatus(t, dash, 502)
	sendRaw(t, lbAddr, "GET /shop/broken/<img/src=x/onerror=document.title='owned'> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	dom := headlessChromium(t, bin, dash+"#request="+strconv.FormatUint(id, 10), "--dump-dom")

	charts := regexp.MustCompile(`<div class="chart" data-points="(\d+)" data-max="([0-9.]+)"><div class="title">([^<]*)</div>`).FindAllStringSubmatch(dom, -1)
	seen := map[string]bool{}
	for _, c := range charts {
		if points, _ := strconv.Atoi(c[1]); points > 0 && c[2] != "0" {
			seen[c[3]] = true
		}
	}
	for _, want := range []string{"load balancer web", "shop — requests", "shop — target response time", "api — requests", "api — target response time"} {
		if !seen[want] {
			t.Errorf("chart %q has no points; charts: %q", want, charts)
		}
	}
	// Values from requests are text, never markup (the attack: a URI carrying HTML).
	if !strings.Contains(dom, "GET /shop/broken/&lt;img/src=x/onerror=document.title='owned'&gt;") || strings.Contains(dom, "<img") ||
		strings.Contains(dom, "<title>owned") {
		t.Errorf("a URI with markup was not shown as text:\n%s", recentTable(dom))
	}
	if !regexp.MustCompile(`<tr class="s5" data-id="\d+"><td>[^<]*</td><td>HTTP:\d+</td><td>GET /shop/broken</td><td class="status">502</td><td class="reason">LambdaInvalidResponse</td><td>rule 10</td>`).MatchString(dom) {
		t.Errorf("the forced 502 is not listed in red with its reason and rule:\n%s", recentTable(dom))
	}
	detail := dom[strings.Index(dom, `<div id="detail"`):]
	detail = detail[:strings.Index(detail, `<div class="cols">`)]
	for _, want := range []string{
		"Request " + strconv.FormatUint(id, 10), "LambdaInvalidResponse", "rule 10 — now: stub rule",
		"explained GET http://", "/shop/broken", // the explain view (its text is package explain's)
		"headers: must not be null", // strict mode's explanation
		"Event sent to the function", `"path": "/shop/broken"`, "Response received", `"headers": null`, `"statusCode": 200`,
	} {
		if !strings.Contains(detail, want) && !strings.Contains(detail, strings.ReplaceAll(want, `"`, "&quot;")) {
			t.Errorf("the detail view lacks %q:\n%s", want, detail)
		}
	}
	if shot := os.Getenv("ALBATROSS_DASHBOARD_SCREENSHOT"); shot != "" {
		abs, _ := filepath.Abs(shot)
		headlessChromium(t, bin, dash+"#status=5&request="+strconv.FormatUint(id, 10), "--screenshot="+abs, "--window-size=1360,1150", "--hide-scrollbars")
		t.Logf("screenshot written to %s", abs)
	}
}

// sendRaw writes one raw request to addr and reads the answer (the client's own encoding would
// escape what the test needs to send as is).
func sendRaw(t *testing.T, addr, request string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	if answer, _ := io.ReadAll(conn); !strings.HasPrefix(string(answer), "HTTP/1.1 502") {
		t.Fatalf("raw request answered %.100q", answer)
	}
}

// waitForStatus polls state.json until a recent request has status and returns its ID.
func waitForStatus(t *testing.T, dash string, status int) uint64 {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var s dashState
		if err := json.Unmarshal([]byte(get(t, dash+"state.json")), &s); err != nil {
			t.Fatal(err)
		}
		for _, r := range append(s.Recent, s.Failures...) {
			if r.Status == status {
				return r.ID
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no request with status %d within a minute", status)
	return 0
}

func recentTable(dom string) string {
	if i := strings.Index(dom, `<table id="recent"`); i >= 0 {
		return fmt.Sprintf("%.4000s", dom[i:])
	}
	return dom
}
