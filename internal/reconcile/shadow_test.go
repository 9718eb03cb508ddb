package reconcile

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/shadow"
)

// backend answers JSON naming itself, with an id of its own, and reports shadow copies.
func backend(t *testing.T, name string, copies chan<- string) (host string, port int) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(shadow.Header) == "1" && copies != nil {
			copies <- r.Method + " " + r.URL.RequestURI() + " " + string(body)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"`+name+`","path":"`+r.URL.Path+`"}`)
	}))
	t.Cleanup(srv.Close)
	h, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ = strconv.Atoi(p)
	return h, port
}

func shadowConfig(primaryPort, shadowPort int, attrs map[string]string) *config.Config {
	return &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
			DefaultActions: []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404"}}},
			Rules: []config.Rule{{Priority: 15, Conditions: []config.Condition{{Field: config.FieldPathPattern, Values: []string{"/api/*"}}},
				Actions:             []config.Action{{Type: config.ActionForward, TargetGroupName: "monolith"}},
				AlbatrossAttributes: attrs}}}}}},
		TargetGroups: []config.TargetGroup{
			{Name: "monolith", Port: primaryPort, Targets: []config.Target{{ID: "127.0.0.1"}}},
			{Name: "next", Port: shadowPort, Targets: []config.Target{{ID: "127.0.0.1"}}},
		},
	}
}

// A shadowed rule through the real data plane: the client gets the primary's answer, the shadow
// gets a marked copy, the comparison follows the rule's attributes, the tally survives a reload
// that changes them, and the metrics and explain show it.
func TestShadowedRule(t *testing.T) {
	copies := make(chan string, 4)
	_, primaryPort := backend(t, "monolith", nil)
	_, shadowPort := backend(t, "next", copies)
	attrs := map[string]string{config.AttrShadowTargetGroup: "next", config.AttrShadowMethods: "all",
		config.AttrCompareBody: "json", config.AttrCompareIgnoreJSONPaths: "id"}
	cfg := shadowConfig(primaryPort, shadowPort, attrs)
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var addr string
	for _, a := range dp.Addrs() {
		addr = a.String()
	}
	post := func(path string) string {
		t.Helper()
		resp, err := http.Post("http://"+addr+path, "text/plain", strings.NewReader("seats=2"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strconv.Itoa(resp.StatusCode) + " " + string(body)
	}
	if got := post("/api/events"); got != `200 {"id":"monolith","path":"/api/events"}` {
		t.Fatalf("client got %s", got)
	}
	if got := <-copies; got != "POST /api/events seats=2" {
		t.Fatalf("shadow got %q", got)
	}
	waitShadowed(t, dp, 1) // compared by the first rules before the reload changes them
	// A reload that stops ignoring the id: the same tally goes on counting, by the new rules.
	delete(attrs, config.AttrCompareIgnoreJSONPaths)
	if err := dp.Apply(ctx, shadowConfig(primaryPort, shadowPort, attrs)); err != nil {
		t.Fatal(err)
	}
	post("/api/other")
	<-copies
	if got := post("/elsewhere"); !strings.HasPrefix(got, "404") {
		t.Fatalf("unshadowed path: %s", got)
	}
	var metrics bytes.Buffer
	if err := dp.Close(ctx); err != nil { // waits for the shadow requests
		t.Fatal(err)
	}
	w := bufio.NewWriter(&metrics)
	dp.Metrics().WriteTo(w)
	_ = w.Flush()

	reports := dp.ShadowReports()
	if len(reports) != 1 {
		t.Fatalf("reports = %+v", reports)
	}
	r := reports[0]
	if r.Rule != "web/0/15" || r.Shadow != "next" || r.Shadowed != 2 || r.Match != 1 || r.Mismatch != 1 {
		t.Fatalf("report = %+v", r)
	}
	if len(r.Samples) != 1 || r.Samples[0].URI != "/api/other" || !strings.Contains(strings.Join(r.Samples[0].Diff, "\n"), `$.id: -"monolith" +"next"`) {
		t.Fatalf("samples = %+v", r.Samples)
	}
	for _, want := range []string{
		`albatross_shadow_requests_total{rule="web/0/15",shadow_target_group="next"} 2`,
		`albatross_shadow_comparisons_total{result="mismatch",rule="web/0/15",shadow_target_group="next"} 1`,
		`albatross_shadow_mismatches_total{kind="body",rule="web/0/15",shadow_target_group="next"} 1`,
	} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if d := DescribeShadow(&cfg.LoadBalancers[0].Listeners[0].Rules[0]); !strings.Contains(d, "copies 100% of requests to target group next") {
		t.Errorf("explain: %s", d)
	}
}

// waitShadowed waits until the data plane's only shadowed rule has recorded n copies: the
// comparison follows the shadow's answer, after the shadow target saw the request.
func waitShadowed(t *testing.T, dp *DataPlane, n uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r := dp.ShadowReports(); len(r) == 1 && r[0].Shadowed >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d copies never recorded: %+v", n, dp.ShadowReports())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A reload does not make room for more shadow requests: the rule's bound on shadow requests in
// flight holds across graphs, so that a node reloading often (every API change in a cluster)
// cannot run max_in_flight copies per graph still draining.
func TestShadowInFlightBoundSurvivesReload(t *testing.T) {
	_, primaryPort := backend(t, "monolith", nil)
	entered, release := make(chan struct{}, 4), make(chan struct{})
	blocked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	t.Cleanup(blocked.Close)
	_, p, _ := net.SplitHostPort(blocked.Listener.Addr().String())
	shadowPort, _ := strconv.Atoi(p)
	attrs := map[string]string{config.AttrShadowTargetGroup: "next", config.AttrShadowMaxInFlight: "1",
		config.AttrShadowTimeoutMS: "60000"}
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	t.Cleanup(func() { _ = dp.Close(ctx) })
	t.Cleanup(func() { close(release) }) // before Close, which waits for the blocked copy
	if err := dp.Apply(ctx, shadowConfig(primaryPort, shadowPort, attrs)); err != nil {
		t.Fatal(err)
	}
	var addr string
	for _, a := range dp.Addrs() {
		addr = a.String()
	}
	get := func(path string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	get("/api/first")
	<-entered // the one copy allowed is running, and stays
	if err := dp.Apply(ctx, shadowConfig(primaryPort, shadowPort, attrs)); err != nil {
		t.Fatal(err)
	}
	get("/api/second")
	r := dp.ShadowReports()
	if len(r) != 1 || r[0].Skipped["busy"] != 1 {
		t.Fatalf("after a reload, a second copy beside the running one: %+v; want it skipped (busy)", r)
	}
}
