package observe

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetricsNodeLabel: a node of a cluster labels every series with its
// name; a node alone adds nothing.
func TestMetricsNodeLabel(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	NewListenerObserver(m, testLB, "HTTP:80", nil).Observe(base())
	m.AddSource(func() []Sample { return []Sample{{Name: "alb_healthy_host_count", Help: "h", Value: 1}} })
	scrape := func() string {
		w := httptest.NewRecorder()
		m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		return w.Body.String()
	}
	if body := scrape(); strings.Contains(body, `node="`) {
		t.Fatalf("a node alone labels its metrics:\n%s", body)
	}
	m.SetNode(`node-1"x`)
	body := scrape()
	for _, want := range []string{
		`alb_request_count_total{listener="HTTP:80",load_balancer="app/web/50dc6c495c0c9188",node="node-1\"x",target_group=""}`,
		`alb_healthy_host_count{node="node-1\"x"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in:\n%s", want, body)
		}
	}
	for line := range strings.SplitSeq(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "#") && !strings.Contains(line, `node="node-1\"x"`) {
			t.Errorf("series without the node label: %s", line)
		}
	}
}
