package explain

import (
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestRecent: the dashboard's detail view gets the rule that runs in one line and the explain
// text of the request as the client sent it.
func TestRecent(t *testing.T) {
	t.Parallel()
	fixed := func(code string) []config.Action {
		return []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: code, ContentType: "text/plain"}}}
	}
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 8080,
		DefaultActions: fixed("404"),
		Rules:          []config.Rule{{Priority: 5, Conditions: []config.Condition{{Field: "path-pattern", Values: []string{"/tea*"}}}, Actions: fixed("418")}}}}}}}
	testCases := []struct {
		url, rule, text string
	}{
		{"http://example.com:8080/teapot-state", "rule 5 → fixed-response 418", "rule 5: MATCH (runs)"},
		{"http://example.com:8080/coffee", "default rule → fixed-response 404", "default rule: runs"},
	}
	for _, tc := range testCases {
		rule, text, err := Recent(cfg, "GET", tc.url, "192.0.2.1", []string{"User-Agent: test"})
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if !strings.HasPrefix(rule, tc.rule) || !strings.Contains(text, tc.text) {
			t.Errorf("%s: rule %q, text:\n%s", tc.url, rule, text)
		}
	}
	if _, _, err := Recent(cfg, "GET", "http://example.com:9999/", "192.0.2.1", nil); err == nil {
		t.Error("a request to no listener is explained")
	}
}
