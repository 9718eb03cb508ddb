package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe/dashboard/headless"
)

// shopFunction answers /shop/broken with a response the ALB rejects ("headers": null, LAM-22)
// and everything else with 200.
const shopFunction = `def handler(event, context):
    if event["path"].startswith("/shop/broken"):
        return {"statusCode": 200, "headers": None, "body": "oops"}
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
`

// dashboardConfig is a load balancer with a rule to a strict-mode Lambda target group (the
// Python function above), a rule to an HTTP target group with one live target and one that
// refuses connections (unhealthy, with its reason), a fixed response and the default 404. The
// live target's checks get 4 s: the test wants its history free of "unhealthy", and on a loaded
// CI machine two 2-second checks in a row can miss.
func dashboardConfig(lbPort, apiTarget, deadTarget int, code string) string {
	return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404", content_type: text/plain}}]
        rules:
          - priority: 10
            conditions: [{field: path-pattern, values: ["/shop*"]}]
            actions: [{type: forward, target_group_name: shop}]
          - priority: 20
            conditions: [{field: path-pattern, values: ["/api*"]}]
            actions: [{type: forward, target_group_name: api}]
          - priority: 30
            conditions: [{field: path-pattern, values: ["/tea*"]}]
            actions: [{type: fixed-response, fixed_response_config: {status_code: "418", content_type: text/plain}}]
target_groups:
  - name: shop
    target_type: lambda
    targets: [{id: shop}]
    attributes: {albatross.lambda.strict: "true"}
  - name: api
    target_type: ip
    protocol: HTTP
    port: %d
    health_check_path: /health
    health_check_interval_seconds: 5
    health_check_timeout_seconds: 4
    healthy_threshold_count: 2
    unhealthy_threshold_count: 2
    targets: [{id: 127.0.0.1}, {id: 127.0.0.1, port: %d}]
functions:
  - {function_name: shop, runtime: python3.12, handler: app.handler, code: %q, timeout: 60}
`, lbPort, apiTarget, deadTarget, code)
}

// dashboardLoad sends a steady mix of requests until stop is closed: successes through the
// function and the HTTP targets, 418s, 404s and, every 10th round, the function's broken
// answer. The pace changes every 20 rounds so that the charts have a shape.
func dashboardLoad(lbPort int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	c := client()
	base := fmt.Sprintf("http://127.0.0.1:%d", lbPort)
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
				if resp, err := c.Get(base + p); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			time.Sleep(time.Duration(10+20*(round/20%4)) * time.Millisecond)
		}
	})
	return &wg
}

// js are the page queries the test repeats; the page keeps no test hooks of its own.
const js = `
const rows = () => [...document.querySelectorAll("#recent tbody tr")].map(tr => ({cls: tr.className, id: tr.dataset.id,
  cells: [...tr.children].map(td => td.textContent)}));
const chartOK = title => [...document.querySelectorAll(".chart")].some(c =>
  c.querySelector(".title").textContent === title && +c.dataset.points > 0 && c.dataset.max !== "0");
const broken = () => [...document.querySelectorAll("#recent tbody tr.s5")].find(tr =>
  tr.children[2].textContent === "GET /shop/broken" && tr.children[4].textContent === "LambdaInvalidResponse" &&
  tr.children[5].textContent === "rule 10");
const choose = (id, text) => { const s = document.getElementById(id);
  const o = [...s.options].find(o => o.textContent === text || o.value === text);
  if (!o) return false; s.value = o.value; s.dispatchEvent(new Event("change")); return true; };
`

// TestDashboardLiveInChromium: the real binary, its API with credentials, a scripted load and
// headless Chromium. The browser signs in through the login form (the session cookie is HttpOnly
// and SameSite=Strict), then the test checks what an operator needs: charts that received
// points for the load balancer, both target groups (requests, response time, target counts)
// and the function (environments, cold starts); a forced 502 (the function's invalid response)
// listed in red with its reason and rule; the filters; a click on it opening the detail with the
// explain view of the rule that matched, the event sent, the response received and strict
// mode's explanation; rule hit rates and last match; the targets' share, state and health
// history. A URI carrying markup must show as text. Every wait is on a condition in the page,
// woken by its DOM changes (headless.WaitFor), never on a clock. With
// ALBATROSS_DASHBOARD_SCREENSHOT=file.png it saves a screenshot of the page
// (scripts/dashboard-screenshot.sh), after ALBATROSS_DASHBOARD_SCREENSHOT_LOAD (a duration)
// more of load for the charts to fill.
func TestDashboardLiveInChromium(t *testing.T) {
	t.Parallel()
	bin := headless.Binary()
	if bin == "" {
		t.Skip("no chromium on PATH (scripts/install-test-deps.sh, or set ALBATROSS_CHROMIUM)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	code := t.TempDir()
	writeFile(t, filepath.Join(code, "app.py"), shopFunction)
	api := startBackend(t, "api", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(len(r.URL.Path)) * time.Millisecond) // a spread of response times
		_, _ = w.Write([]byte("api"))
	}))
	lbPort, deadPort := freePort(t), freePort(t)
	inst := startWithAPI(t, dashboardConfig(lbPort, api.port, deadPort, code), "", "--api-credentials", "AKIDALBATROSS:s3cret")
	inst.waitPort(lbPort)

	b := headless.Start(t, bin, 1440, 900)
	b.Navigate(inst.apiURL + "/dashboard/")
	b.WaitFor(`return location.pathname === "/dashboard/login" && document.querySelector("form")`, "the login form")
	b.Eval(`document.getElementById("id").value = "AKIDALBATROSS"; document.getElementById("secret").value = "s3cret";
		setTimeout(() => document.querySelector("button[type=submit]").click())`, nil)
	b.WaitFor(`return location.pathname === "/dashboard/" && document.getElementById("status").textContent.includes("updated")`, "the dashboard after signing in")
	var session []headless.Cookie
	for _, c := range b.Cookies(inst.apiURL + "/dashboard/") {
		if c.Name == "albatross_session" {
			session = append(session, c)
		}
	}
	var scriptCookies string
	b.Eval(`document.cookie`, &scriptCookies)
	if len(session) != 1 || !session[0].HTTPOnly || session[0].SameSite != "Strict" || session[0].Path != "/dashboard/" || scriptCookies != "" {
		t.Errorf("session cookie %+v, visible to scripts %q; want one, HttpOnly, SameSite=Strict, Path=/dashboard/, hidden", session, scriptCookies)
	}

	// The load starts once the health checks have judged both targets: before, the target group
	// fails open (HC-05) and the dead target would take a share that depends on the machine's pace.
	live, dead := fmt.Sprintf("127.0.0.1:%d", api.port), fmt.Sprintf("127.0.0.1:%d", deadPort)
	target := func(addr, state string) string {
		return `[...document.querySelectorAll("#tgs tr")].some(tr => tr.children[1].textContent === ` + strconv.Quote(addr) +
			` && tr.children[2].textContent === ` + strconv.Quote(state)
	}
	b.WaitFor(`return `+target(live, "healthy")+`) && `+target(dead, "unhealthy")+`)`, "the health checks' verdicts")
	stop := make(chan struct{})
	load := dashboardLoad(lbPort, stop)
	defer func() { close(stop); load.Wait() }()

	b.WaitFor(js+`return broken()`, "the forced 502 with LambdaInvalidResponse and rule 10")
	b.WaitFor(`const a = document.getElementById("lastfail");
		return !a.hidden && /^last failure \d+ s ago: 502 LambdaInvalidResponse GET \/shop\/broken/.test(a.textContent) &&
			/#status=err&request=\d+$/.test(a.href)`, "the newest failure at the top of the page")
	sendMarkup(t, lbPort)
	b.WaitFor(js+`return rows().some(r => r.cells[2] === "GET /shop/broken/<img/src=x/onerror=document.title='owned'>")`, "the request whose URI carries markup")
	var owned bool
	b.Eval(`document.querySelector("#recent img") !== null || document.title === "owned"`, &owned)
	if owned {
		t.Error("a URI with markup was rendered as markup")
	}

	for _, title := range []string{"load balancer web", "shop — requests", "shop — target response time", "api — requests",
		"api — target response time", "api — targets", "λ shop — environments"} {
		b.WaitFor(js+`return chartOK(`+strconv.Quote(title)+`)`, "points on the chart "+title)
	}
	var charts []string
	b.Eval(`[...document.querySelectorAll(".chart .legend")].map(l => l.textContent)`, &charts)
	if !containsAll(strings.Join(charts, "\n"), "req/s", "4XX/s", "5XX/s", "p50", "p99", "healthy", "unhealthy", "starting", "idle", "busy", "cold starts") {
		t.Errorf("chart legends %q", charts)
	}

	// Rules: a hit rate and a last match; targets: the share, the dead target unhealthy with its
	// reason and its state changes.
	b.WaitFor(`return [...document.querySelectorAll("#lbs tr")].some(tr => tr.children[0].textContent === "10" &&
		+tr.children[3].textContent > 0 && / s ago$/.test(tr.children[4].textContent))`, "rule 10's hit rate and last match")
	// A target may have its verdict by the first sample (the sampler starts before the
	// configuration is served), so its history may hold no "initial".
	b.WaitFor(`return `+target(live, "healthy")+` && tr.children[4].textContent === "100 %" &&
		/(PM|AM|\d) (initial → )?healthy/.test(tr.children[5].textContent) && !/unhealthy/.test(tr.children[5].textContent))`,
		"the live target's share and health history")
	b.WaitFor(`return `+target(dead, "unhealthy")+` && tr.children[3].textContent === "Target.FailedHealthChecks" &&
		tr.children[4].textContent === "0 %" && /unhealthy \(Target\.FailedHealthChecks\)/.test(tr.children[5].textContent))`,
		"the dead target's share, reason and health history")

	// Filters: each keeps only its rows.
	for _, f := range []struct{ sel, option, every, what string }{
		{"f-status", "5XX", `r.cls === "s5"`, "5XX rows"},
		{"f-status", "errors (4XX+5XX)", `r.cls === "s5" || r.cls === "s4"`, "error rows"},
		{"f-fn", "shop", `r.cells[6] === "λ shop"`, "the function's rows"},
		{"f-tg", "api", `r.cells[6].startsWith("127.0.0.1:")`, "the api target group's rows"},
		{"f-rule", fmt.Sprintf("HTTP:%d rule 30", lbPort), `r.cells[3] === "418" && r.cells[5] === "rule 30"`, "rule 30's rows"},
	} {
		var ok bool
		b.Eval(js+`choose(`+strconv.Quote(f.sel)+`, `+strconv.Quote(f.option)+`)`, &ok)
		if !ok {
			t.Errorf("the filter %s has no option %q", f.sel, f.option)
			continue
		}
		b.WaitFor(js+`return rows().length > 0 && rows().every(r => `+f.every+`)`, "the filter "+f.sel+"="+f.option+" to show only "+f.what)
		b.Eval(js+`choose(`+strconv.Quote(f.sel)+`, "all")`, nil)
	}

	// A click on a request to the HTTP target group: the detail names the target that answered.
	b.Eval(js+`choose("f-tg", "api")`, nil)
	b.WaitFor(js+`return rows().length > 0 && rows().every(r => r.cells[6] === `+strconv.Quote(live)+`)`, "the api target group's rows")
	var apiID string
	b.Eval(`(() => { const tr = document.querySelector("#recent tbody tr"); tr.click(); return tr.dataset.id; })()`, &apiID)
	b.WaitFor(`const d = document.getElementById("detail"); return d.querySelector("h3") && d.querySelector("h3").textContent === "Request `+apiID+`" &&
		d.textContent.includes("answered by`+live+` in api") && d.textContent.includes("rule 20: MATCH (runs)")`, "the detail of request "+apiID+" naming its target")
	b.Eval(js+`choose("f-tg", "all")`, nil)

	// A click on the 502 opens its detail.
	b.Eval(js+`choose("f-status", "5XX")`, nil)
	b.WaitFor(js+`return broken()`, "the forced 502 under the 5XX filter")
	var id string
	b.Eval(js+`(() => { const tr = broken(); tr.click(); return tr.dataset.id; })()`, &id)
	b.WaitFor(`return document.querySelector("#detail h3") && document.querySelector("#detail h3").textContent === "Request `+id+`" &&
		document.querySelector("#detail .response")`, "the detail view of request "+id)
	var detail string
	b.Eval(`document.getElementById("detail").textContent`, &detail)
	for _, want := range []string{
		"LambdaInvalidResponse", "rule 10 — now: rule 10 → forward to target group shop",
		fmt.Sprintf("listener HTTP:%d of load balancer web", lbPort), "rule 10: MATCH (runs)",
		`[yes] path-pattern: path "/shop/broken" matches "/shop*"`, // the explain view
		"function shop", "headers: must not be null", // strict mode's explanation
		"Event sent to the function", `"path": "/shop/broken"`, "Response received", `"headers": null`, `"statusCode": 200`,
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("the detail view lacks %q:\n%s", want, detail)
		}
	}
	var hash string
	b.Eval(`location.hash`, &hash)
	if hash != "#status=5&request="+id {
		t.Errorf("location.hash %q; want the filter and the request, to share", hash)
	}

	if shot := os.Getenv("ALBATROSS_DASHBOARD_SCREENSHOT"); shot != "" {
		if d, err := time.ParseDuration(os.Getenv("ALBATROSS_DASHBOARD_SCREENSHOT_LOAD")); err == nil {
			time.Sleep(d) // not a wait for the test: more load for the picture's charts
		}
		b.Eval(`scrollTo(0, 0)`, nil)
		b.WaitFor(js+`return broken() && document.querySelector("#detail .response")`, "the detail, still open")
		abs, _ := filepath.Abs(shot)
		b.Screenshot(abs, true) // the whole page
		t.Logf("screenshot written to %s", abs)
	}
}

// sendMarkup sends a request whose URI carries HTML (raw: a client library would escape it) and
// expects the function's rejected answer.
func sendMarkup(t *testing.T, lbPort int) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", lbPort), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(headless.Timeout))
	if _, err := io.WriteString(conn, "GET /shop/broken/<img/src=x/onerror=document.title='owned'> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if answer, _ := io.ReadAll(conn); !strings.HasPrefix(string(answer), "HTTP/1.1 502") {
		t.Fatalf("the request with markup was answered %.200q", answer)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
