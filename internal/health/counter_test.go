package health

import (
	"strings"
	"testing"
)

var (
	ok      = Result{OK: true}
	code503 = mismatch(503)
	code404 = mismatch(404)
)

// TestCounter covers every HC-01 transition with thresholds 3 (healthy) and 2 (unhealthy):
// initial → healthy after one pass ([amb] §12.16, documented in docs/target-groups.md), initial →
// unhealthy after UnhealthyThreshold failures, and the consecutive-count rules afterwards.
func TestCounter(t *testing.T) {
	t.Parallel()
	s := Settings{HealthyThreshold: 3, UnhealthyThreshold: 2}
	healthy := Verdict{Healthy: true}
	unhealthy503 := Verdict{Reason: ReasonResponseCodeMismatch, Description: "Health checks failed with these codes: [503]"}
	unhealthy404 := Verdict{Reason: ReasonResponseCodeMismatch, Description: "Health checks failed with these codes: [404]"}
	testCases := []struct {
		desc    string
		results []Result
		// reports are the verdicts reported, in order; final is the verdict in force at the end.
		reports []Verdict
	}{
		{desc: "HC-01 initial: one pass is healthy", results: []Result{ok}, reports: []Verdict{healthy}},
		{desc: "initial: one failure stays initial", results: []Result{code503}},
		{desc: "initial: threshold failures are unhealthy", results: []Result{code503, code503}, reports: []Verdict{unhealthy503}},
		{desc: "initial: a pass after a failure is healthy", results: []Result{code503, ok}, reports: []Verdict{healthy}},
		{desc: "healthy: one failure is not enough", results: []Result{ok, code503, ok, code503}, reports: []Verdict{healthy}},
		{desc: "healthy: consecutive failures are unhealthy", results: []Result{ok, code503, code503}, reports: []Verdict{healthy, unhealthy503}},
		{desc: "unhealthy: recovery needs HealthyThreshold passes", results: []Result{ok, code503, code503, ok, ok}, reports: []Verdict{healthy, unhealthy503}},
		{desc: "unhealthy: recovered after HealthyThreshold passes", results: []Result{ok, code503, code503, ok, ok, ok}, reports: []Verdict{healthy, unhealthy503, healthy}},
		{desc: "unhealthy: a failure restarts the count", results: []Result{code503, code503, ok, ok, code503, ok, ok}, reports: []Verdict{unhealthy503}},
		{desc: "unhealthy: a new reason is reported once", results: []Result{code503, code503, code404, code404, timedOut},
			reports: []Verdict{unhealthy503, unhealthy404, {Reason: ReasonTimeout, Description: "Request timed out"}}},
		{desc: "unhealthy: a pass keeps the last reason", results: []Result{code503, code503, ok}, reports: []Verdict{unhealthy503}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var c Counter
			var got []Verdict
			for _, r := range tc.results {
				if v, changed := c.Observe(r, s); changed {
					got = append(got, v)
				}
			}
			if len(got) != len(tc.reports) {
				t.Fatalf("reports %+v, want %+v", got, tc.reports)
			}
			for i := range got {
				if got[i] != tc.reports[i] {
					t.Fatalf("reports %+v, want %+v", got, tc.reports)
				}
			}
		})
	}
}

// TestCodes: matcher ranges and lists (§4.2 Matcher.HttpCode).
func TestCodes(t *testing.T) {
	t.Parallel()
	c := Codes{{200, 200}, {202, 204}}
	testCases := []struct {
		desc   string
		status int
		want   bool
	}{
		{desc: "single code", status: 200, want: true},
		{desc: "range start", status: 202, want: true},
		{desc: "range end", status: 204, want: true},
		{desc: "between", status: 201, want: false},
		{desc: "after", status: 205, want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := c.Match(tc.status); got != tc.want {
				t.Errorf("Match(%d) = %v", tc.status, got)
			}
		})
	}
	if s := c.String(); s != "200,202-204" {
		t.Errorf("String %q", s)
	}
	if !strings.Contains(mismatch(302).Description, "[302]") {
		t.Error("mismatch description lacks the code")
	}
}

// TestResumeCounter: a counter resumed from a verdict applies the thresholds at once, not the
// one-pass rule of a new target (checker restarted by new settings).
func TestResumeCounter(t *testing.T) {
	t.Parallel()
	s := Settings{HealthyThreshold: 2, UnhealthyThreshold: 2}
	c := ResumeCounter(Verdict{Reason: ReasonTimeout, Description: "Request timed out"})
	if _, changed := c.Observe(ok, s); changed {
		t.Fatal("resumed unhealthy counter turned healthy after one pass")
	}
	if v, changed := c.Observe(ok, s); !changed || !v.Healthy {
		t.Fatalf("after HealthyThreshold passes: %+v %v", v, changed)
	}
	c = ResumeCounter(Verdict{Healthy: true})
	if _, changed := c.Observe(code503, s); changed {
		t.Fatal("resumed healthy counter reported after one failure")
	}
	if v, changed := c.Observe(code503, s); !changed || v.Healthy {
		t.Fatalf("after UnhealthyThreshold failures: %+v %v", v, changed)
	}
}
