package reconcile

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe/dashboard/headless"
)

// The dashboard's strangler panel, in headless Chromium: a shadowed rule with its counters and
// newest mismatch diff, and a gated shift with its weights and gates (docs/strangler.md).
func TestDashboardStranglerPanelInChromium(t *testing.T) {
	bin := headless.Binary()
	if bin == "" {
		t.Skip("no chromium on PATH (scripts/install-test-deps.sh, or set ALBATROSS_CHROMIUM)")
	}
	copies := make(chan string, 4)
	_, primaryPort := backend(t, "monolith", nil)
	_, shadowPort := backend(t, "next", copies)
	cfg := shadowConfig(primaryPort, shadowPort, map[string]string{config.AttrShadowTargetGroup: "next", config.AttrCompareBody: "json"})
	w := func(n int) *int { return &n }
	cfg.LoadBalancers[0].Listeners[0].Rules = append(cfg.LoadBalancers[0].Listeners[0].Rules, config.Rule{Priority: 30,
		Conditions: []config.Condition{{Field: config.FieldPathPattern, Values: []string{"/moving/*"}}},
		Actions: []config.Action{{Type: config.ActionForward, ForwardConfig: &config.ForwardConfig{TargetGroups: []config.TargetGroupTuple{
			{TargetGroupName: "monolith", Weight: w(100)}, {TargetGroupName: "next", Weight: w(0)}}}}},
		AlbatrossAttributes: map[string]string{config.AttrShiftTargetGroup: "next"}})
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), ShiftTick: -1})
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer dp.Close(ctx)
	var addr string
	for _, a := range dp.Addrs() {
		addr = a.String()
	}
	resp, err := http.Get("http://" + addr + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-copies
	deadline := time.Now().Add(30 * time.Second)
	for dp.ShadowReports()[0].Mismatch == 0 { // recorded just after the shadow answered
		if time.Now().After(deadline) {
			t.Fatal("the mismatch was never recorded")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mux := http.NewServeMux()
	mux.Handle("/dashboard/", dp.DashboardHandler())
	api := httptest.NewServer(mux)
	defer api.Close()

	b := headless.Start(t, bin, 1280, 800)
	b.Navigate(api.URL + "/dashboard/")
	b.WaitFor(`return !document.getElementById("strangler-box").hidden && document.querySelectorAll("#strangler table").length === 2`, "the strangler panel")
	var box string
	b.Eval(`document.getElementById("strangler").innerHTML`, &box)
	for _, want := range []string{
		"<td>web/0/15</td><td>monolith → next</td>", `<td class="num">1 (0/0/1)</td>`,
		"GET /api/events [body]", "$.id: -&quot;monolith&quot; +&quot;next&quot;",
		"<td>web/0/30</td><td>monolith → next</td><td>running</td><td>monolith 100, next 0</td><td>[0] 5 25 50 100</td>",
	} {
		if !strings.Contains(box, want) && !strings.Contains(box, strings.ReplaceAll(want, "&quot;", `"`)) {
			t.Errorf("the strangler panel lacks %q:\n%s", want, box)
		}
	}
}
