package config

import (
	"flag"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// TestProblemsGolden pins the complete problem listing for testdata/bad.yaml: every problem at
// once, each "path: message", in a stable order: a user fixes a file in one pass.
func TestProblemsGolden(t *testing.T) {
	t.Parallel()
	err := parseFile(t, "testdata/bad.yaml").Validate()
	if err == nil {
		t.Fatal("bad.yaml validated")
	}
	got := []byte(err.Error() + "\n")
	testkit.Golden(t, *update, "testdata/problems.golden", got)
}

// TestValidateReportsEveryProblem: one problem in each part of the config, all reported.
func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := base(t)
	c.LoadBalancers[0].Name = "bad_name"
	lst(c).Port = 0
	rule(c).Priority = 0
	rule(c).Conditions[0].Values = []string{"no spaces"}
	rule(c).Actions[0].TargetGroupName = "missing"
	c.TargetGroups[0].Port = 0
	c.Functions[0].Timeout = ptr(901)
	want := []string{
		lb0 + ".name",
		lst0 + ".port",
		rule0 + ".priority",
		cond0 + ".values[0]",
		act0 + ".target_group_name",
		tg0 + ".port",
		fn0 + ".timeout",
	}
	got := problemPaths(t, c.Validate())
	if len(got) != len(want) {
		t.Fatalf("got %d problems %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d at %q, want %q", i, got[i], want[i])
		}
	}
}
