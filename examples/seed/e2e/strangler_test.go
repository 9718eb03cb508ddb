package e2e

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// checkStrangler follows the README's walk-through on the running demo: rule 15 shadows
// /api/events from the monolith to the api function, `albatross diff` shows the plain list
// matching and ?limit= differing, then a gated shift moves /api/events to the function. The free
// seat counts are ignored: the reservation checkAPI made is in the function's ledger only.
func checkStrangler(t *testing.T, d *demo) {
	m := explainLine.FindStringSubmatch(d.output())
	dash := dashboardLine.FindStringSubmatch(d.output())
	if m == nil || dash == nil {
		t.Fatalf("no explain or dashboard line in the output:\n%s", d.output())
	}
	bin, config := m[1], m[2]
	u, _ := url.Parse(dash[1])
	apiAddr := u.Host
	port := strings.TrimPrefix(d.base, "http://127.0.0.1:")
	original, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.WriteFile(config, original, 0o644) }()
	withRule15 := func(rule string) {
		t.Helper()
		edited := strings.Replace(string(original), "          - priority: 20", rule+"          - priority: 20", 1)
		if err := os.WriteFile(config, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		out, err := exec.Command(bin, append(args, "--api-addr", apiAddr)...).CombinedOutput()
		if err != nil {
			t.Fatalf("albatross %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	eventually := func(what string, ok func() (string, bool)) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			out, done := ok()
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s:\n%s", what, out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	withRule15(`          - priority: 15
            conditions:
              - {field: path-pattern, values: ["/api/events"]}
            actions:
              - {type: forward, target_group_name: site}
            albatross_attributes:
              albatross.shadow.target_group: api
              albatross.compare.body: json
              albatross.compare.ignore_json_paths: generated_at,events.*.seats_available
`)
	rule := "tickets/" + port + "/15"
	eventually("the shadowed rule never appeared", func() (string, bool) {
		out := run("diff")
		return out, strings.Contains(out, "rule "+rule+": forward to site, shadow api")
	})
	for range 3 {
		do(t, "GET", d.base+"/api/events", nil, "")
		do(t, "GET", d.base+"/api/events?limit=2", nil, "")
	}
	eventually("the diff never showed the six pairs", func() (string, bool) {
		out := run("diff", "--rule", rule)
		return out, strings.Contains(out, "shadowed 6  match 3  mismatch 3 (status 0, header 0, body 3)") &&
			strings.Contains(out, "$.count: -6 +2")
	})

	withRule15(`          - priority: 15
            conditions:
              - {field: path-pattern, values: ["/api/events"]}
            actions:
              - type: forward
                forward_config:
                  target_groups:
                    - {target_group_name: site, weight: 100}
                    - {target_group_name: api, weight: 0}
            albatross_attributes:
              albatross.shift.target_group: api
              albatross.shift.steps: "0,100"
              albatross.shift.interval_seconds: "1"
              albatross.shift.min_requests: "1"
`)
	eventually("the shift never reached the function", func() (string, bool) {
		do(t, "GET", d.base+"/api/events", nil, "")
		out := run("shift", "--rule", rule)
		return out, strings.Contains(out, fmt.Sprintf("rule %s: site → api, ", rule)) && strings.Contains(out, "(weights site 0, api 100)")
	})
	if resp, _ := do(t, "GET", d.base+"/api/events", nil, ""); resp.Header.Get("X-Instance") != "" {
		t.Errorf("after the shift /api/events still came from %s", resp.Header.Get("X-Instance"))
	}
}
