package reconcile

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// namedBackend answers its name on /, and 200 on /health.
func namedBackend(t *testing.T, name string) int {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func stickyConfig(ports ...int) *config.Config {
	tg := config.TargetGroup{Name: "site", Port: ports[0], HealthCheckPath: "/health",
		Attributes: map[string]string{"stickiness.enabled": "true", "deregistration_delay.timeout_seconds": "60"}}
	for _, p := range ports {
		tg.Targets = append(tg.Targets, config.Target{ID: "127.0.0.1", Port: p})
	}
	return &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
			DefaultActions: []config.Action{{Type: config.ActionForward, TargetGroupName: "site"}}}}}},
		TargetGroups: []config.TargetGroup{tg},
	}
}

func waitHealthy(t *testing.T, dp *DataPlane, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		healthy := 0
		for _, h := range dp.TargetHealth("site") {
			if h.State == targetgroup.StateHealthy {
				healthy++
			}
		}
		if healthy == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("target health %+v, want %d healthy", dp.TargetHealth("site"), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStickinessAcrossReloads: STK-02 end to end through the DataPlane. A client stuck by its AWSALB
// cookie stays on its target across reloads that add targets and, with a key loaded from the
// data directory, across a restart; a reload that removes its target shows the target draining
// (ALG-04) and moves the client elsewhere.
func TestStickinessAcrossReloads(t *testing.T) {
	t.Parallel()
	ports := []int{namedBackend(t, "a"), namedBackend(t, "b"), namedBackend(t, "c")}
	dataDir := t.TempDir()
	start := func() (*DataPlane, string) {
		key, err := LoadStickinessKey(dataDir)
		if err != nil {
			t.Fatal(err)
		}
		dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), StickinessKey: key})
		if err := dp.Apply(context.Background(), stickyConfig(ports[:2]...)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = dp.Close(context.Background()); dp.registry.Close() })
		var addr string
		for _, a := range dp.Addrs() {
			addr = a.String()
		}
		waitHealthy(t, dp, 2)
		return dp, "http://" + addr + "/"
	}
	send := func(url string, cookie *http.Cookie) (string, *http.Cookie) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		for _, c := range resp.Cookies() {
			if c.Name == "AWSALB" {
				return string(body), c
			}
		}
		t.Fatalf("no AWSALB cookie: %d %s", resp.StatusCode, body)
		return "", nil
	}

	dp, url := start()
	first, cookie := send(url, nil)
	if err := dp.Apply(context.Background(), stickyConfig(ports...)); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if got, _ := send(url, cookie); got != first {
			t.Fatalf("after a reload adding a target, stuck client went to %q, want %q", got, first)
		}
	}
	_, url2 := start() // a restart with the same data directory
	if got, _ := send(url2, cookie); got != first {
		t.Fatalf("after a restart, stuck client went to %q, want %q", got, first)
	}

	var keep []int
	for i, p := range ports {
		if string(rune('a'+i)) != first {
			keep = append(keep, p)
		}
	}
	if err := dp.Apply(context.Background(), stickyConfig(keep...)); err != nil {
		t.Fatal(err)
	}
	gone := ports[first[0]-'a']
	if h, ok := dp.TargetHealthOf("site", "127.0.0.1", gone); !ok || h.State != targetgroup.StateDraining {
		t.Fatalf("removed target %d: %+v %v, want draining", gone, h, ok)
	}
	if got, fresh := send(url, cookie); got == first || fresh.Value == cookie.Value {
		t.Fatalf("client stuck to a deregistered target %q", got)
	}
	if hs := dp.TargetHealth("site"); len(hs) != 3 {
		t.Fatalf("TargetHealth %+v, want 2 healthy and 1 draining", hs)
	}
}
