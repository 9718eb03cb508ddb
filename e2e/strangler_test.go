package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// strangler e2e: the real binary shadows a rule to a second group that hangs, crashes and
// answers differently; the client only ever sees the primary; `albatross diff` shows the
// outcome through the signed API; explain names the shadow (docs/strangler.md).
func TestShadowAndDiff(t *testing.T) {
	t.Parallel()
	primary := startBackend(t, "monolith", nil)
	entered, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	next := startBackend(t, "next", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/hang":
			close(entered)
			<-release
		case "/api/crash":
			conn, _, _ := http.NewResponseController(w).Hijack()
			_ = conn.Close()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"backend": "next", "uri": r.RequestURI, "shadow": r.Header.Get("X-Albatross-Shadow")})
	}))
	port := freePort(t)
	config := fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - priority: 15
            conditions: [{field: path-pattern, values: ["/api/*"]}]
            actions: [{type: forward, target_group_name: monolith}]
            albatross_attributes:
              albatross.shadow.target_group: next
              albatross.shadow.timeout_milliseconds: "60000"
              albatross.compare.body: json
              albatross.compare.ignore_json_paths: header
target_groups:
  - {name: monolith, port: %d, targets: [{id: 127.0.0.1}]}
  - {name: next, port: %d, targets: [{id: 127.0.0.1}]}
`, port, primary.port, next.port)
	a := startWithAPI(t, config, "")
	a.waitPort(port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	// The shadow of /api/hang blocks until released: the client has the primary's whole answer
	// while it is still blocked.
	status, body := httpGet(t, base+"/api/hang")
	<-entered
	if status != 200 || !strings.Contains(body, `"backend":"monolith"`) {
		t.Fatalf("client got %d %s", status, body)
	}
	for _, path := range []string{"/api/crash", "/api/differ"} {
		if status, body := httpGet(t, base+path); status != 200 || !strings.Contains(body, `"backend":"monolith"`) {
			t.Fatalf("%s: client got %d %s", path, status, body)
		}
	}
	close(release)

	diff := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(binary, append([]string{"diff", "--api-addr", fmt.Sprintf("127.0.0.1:%d", a.apiPort)}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("albatross diff: %v\n%s", err, out)
		}
		return string(out)
	}
	rule := fmt.Sprintf("web/%d/15", port)
	var out string
	eventually(t, "three shadow requests recorded", func() error {
		out = diff("--rule", rule)
		if !strings.Contains(out, "shadowed 3 ") {
			return fmt.Errorf("diff says:\n%s", out)
		}
		return nil
	})
	for _, want := range []string{
		"rule " + rule + ": forward to monolith, shadow next",
		"match 0  mismatch 2 (status 0, header 0, body 2)  shadow error 1",
		`$.backend: -"monolith" +"next"`,
		"GET /api/differ  [body]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}

	explain, err := exec.Command(binary, "explain", "--config", filepath.Join(filepath.Dir(a.config), "albatross.yaml"), "GET", base+"/api/x").CombinedOutput()
	if err != nil || !strings.Contains(string(explain), "shadow (Albatross's own): copies 100% of idempotent requests") {
		t.Errorf("explain (%v):\n%s", err, explain)
	}
}
