package reconcile

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe/dashboard/headless"
)

// dashboardRuntime serves one listener with a rule (priority 5, /tea*) and the dashboard on an
// API-like server, as cluster node "node-a"; it returns the listener's address and the
// dashboard's URL.
func dashboardRuntime(t *testing.T) (lbAddr, dashURL string) {
	t.Helper()
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), ExplainRecent: explainStub, NodeName: "node-a"})
	fixed := func(code string) []config.Action {
		return []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: code, ContentType: "text/plain"}}}
	}
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
		DefaultActions: fixed("404"),
		Rules:          []config.Rule{{Priority: 5, Conditions: []config.Condition{{Field: "path-pattern", Values: []string{"/tea*"}}}, Actions: fixed("418")}}}}}}}
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dp.Close(ctx) })
	for _, a := range dp.Addrs() {
		lbAddr = a.String()
	}
	mux := http.NewServeMux()
	mux.Handle("/dashboard/", dp.DashboardHandler())
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	return lbAddr, api.URL + "/dashboard/"
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestDashboardState: a request through the load balancer shows in the rule's count and in the
// recent requests of state.json.
func TestDashboardState(t *testing.T) {
	lbAddr, dash := dashboardRuntime(t)
	get(t, "http://"+lbAddr+"/teapot-state")
	var s dashState
	if err := json.Unmarshal([]byte(get(t, dash+"state.json")), &s); err != nil {
		t.Fatal(err)
	}
	rules := s.LoadBalancers[0].Listeners[0].Rules
	if len(rules) != 2 || rules[0].Priority != 5 || rules[0].Requests != 1 || rules[1].Requests != 0 ||
		!strings.Contains(rules[0].Summary, "path-pattern /tea* → fixed-response 418") {
		t.Errorf("rules %+v", rules)
	}
	if len(s.Recent) != 1 || s.Recent[0].URI != "/teapot-state" || s.Recent[0].Status != 418 {
		t.Errorf("recent %+v", s.Recent)
	}
	if rules[0].LastMatch == nil || rules[1].LastMatch != nil || !strings.HasSuffix(rules[0].Series, " 5") {
		t.Errorf("last match and series of the rules %+v", rules)
	}
	// The rule's request is in the charts under the series the state names.
	var h struct {
		Series []struct {
			Kind, Name string
			Total      int
		}
	}
	if err := json.Unmarshal([]byte(get(t, dash+"history.json")), &h); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, series := range h.Series {
		found = found || (series.Kind == "rule" && series.Name == rules[0].Series && series.Total == 1)
	}
	if !found {
		t.Errorf("history has no point for rule 5: %+v", h.Series)
	}
	// The detail of the request, and none for IDs never given or malformed.
	var d dashRequest
	if err := json.Unmarshal([]byte(get(t, dash+"request.json?id="+strconv.FormatUint(s.Recent[0].ID, 10))), &d); err != nil {
		t.Fatal(err)
	}
	// The explanation itself is package explain's (TestRecent there); here, that the detail view
	// asks for it with the request as the client sent it.
	if d.URI != "/teapot-state" || !strings.Contains(d.Explain, "explained GET http://") || !strings.Contains(d.Explain, "/teapot-state") || d.Rule != "stub rule" {
		t.Errorf("detail %+v", d)
	}
	for _, id := range []string{"999", "abc", "-1", ""} {
		if body := get(t, dash+"request.json?id="+id); !strings.Contains(body, "no such recent request") {
			t.Errorf("id %q: %s", id, body)
		}
	}
	if page := get(t, dash); !strings.Contains(page, "<title>Albatross</title>") {
		t.Errorf("page %.200s", page)
	}
}

// TestDashboardInChromium loads the page in headless Chromium (Debian's `chromium` package;
// skipped when absent) after a request through the load balancer, and waits for the page's
// JavaScript to render the request, the rule's count and the cluster node whose view it is.
func TestDashboardInChromium(t *testing.T) {
	bin := headless.Binary()
	if bin == "" {
		t.Skip("no chromium on PATH (apt-get install chromium, or set ALBATROSS_CHROMIUM)")
	}
	lbAddr, dash := dashboardRuntime(t)
	get(t, "http://"+lbAddr+"/teapot-in-browser")
	b := headless.Start(t, bin, 1280, 800)
	b.Navigate(dash)
	b.WaitFor(`return document.getElementById("status").textContent.startsWith("node node-a · updated ") &&
		[...document.querySelectorAll("#recent td")].some(td => td.textContent === "GET /teapot-in-browser") &&
		[...document.querySelectorAll("#lbs tr")].some(tr => tr.children[0].textContent === "5" && tr.children[2].textContent === "1")`,
		"the node's name, the request and rule 5's count of 1")
}

// explainStub stands in for package explain, which sits above reconcile: it echoes what it was
// asked to explain.
func explainStub(_ *config.Config, method, url, _ string, _ []string) (string, string, error) {
	return "stub rule", "explained " + method + " " + url, nil
}
