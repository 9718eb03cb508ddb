package shift

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func testPlan() *Plan {
	return &Plan{Old: "site", New: "api", Steps: []int{0, 5, 25, 50, 100}, Interval: time.Minute,
		Max5XXPercent: 1, MaxP99Ratio: 1.5, MaxMismatchPercent: 5, MinRequests: 20}
}

func TestTick(t *testing.T) {
	t.Parallel()
	healthy := Readings{NewRequests: 100, New5XX: 1, NewP99: 120 * time.Millisecond, OldP99: 100 * time.Millisecond}
	testCases := []struct {
		desc       string
		step, good int
		toZero     bool
		r          Readings
		after      time.Duration
		wantStep   int
		wantStatus string
		reason     string
	}{
		{desc: "step 0 advances after its interval without traffic", after: time.Minute, wantStep: 1, wantStatus: Running},
		{desc: "not before the interval", step: 2, good: 1, r: healthy, after: 59 * time.Second, wantStep: 2, wantStatus: Running},
		{desc: "healthy step advances", step: 2, good: 1, r: healthy, after: time.Minute, wantStep: 3, wantStatus: Running},
		{desc: "too few requests: the step waits", step: 2, good: 1, r: Readings{NewRequests: 19}, after: time.Hour, wantStep: 2, wantStatus: Running},
		{desc: "last step done", step: 3, good: 2, r: healthy, after: time.Minute, wantStep: 4, wantStatus: Running},
		{desc: "5XX gate fails: back to the last good step", step: 3, good: 2, r: Readings{NewRequests: 20, New5XX: 1},
			wantStep: 2, wantStatus: RolledBack, reason: "gate new_5xx_percentage failed: 5 > 1; back to 25%"},
		{desc: "5XX gate fails: to zero", step: 3, good: 2, toZero: true, r: Readings{NewRequests: 20, New5XX: 1}, wantStep: 0, wantStatus: RolledBack},
		{desc: "5XX gate not judged below its minimum", step: 3, good: 2, r: Readings{NewRequests: 19, New5XX: 19}, wantStep: 3, wantStatus: Running},
		{desc: "latency gate fails", step: 1, r: Readings{NewRequests: 50, NewP99: 200 * time.Millisecond, OldP99: 100 * time.Millisecond},
			wantStep: 0, wantStatus: RolledBack, reason: "p99_ratio"},
		{desc: "latency gate needs an old p99", step: 4, good: 3, r: Readings{NewRequests: 50, NewP99: time.Second}, after: time.Minute, wantStep: 4, wantStatus: Done},
		{desc: "mismatch gate fails even at 0 %", r: Readings{Shadowed: true, Compared: 40, Mismatched: 3}, after: time.Minute,
			wantStep: 0, wantStatus: RolledBack, reason: "mismatch_percentage"},
		{desc: "mismatch gate holds", r: Readings{Shadowed: true, Compared: 40, Mismatched: 2}, after: time.Minute, wantStep: 1, wantStatus: Running},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := testPlan()
			p.ToZero = tc.toZero
			s := NewState(p, t0)
			s.Step, s.LastGood = tc.step, tc.good
			s.Tick(p, tc.r, t0.Add(tc.after))
			if tc.desc == "last step done" {
				s.Tick(p, tc.r, t0.Add(2*tc.after))
				tc.wantStatus = Done
			}
			if s.Step != tc.wantStep || s.Status != tc.wantStatus || !strings.Contains(s.Reason, tc.reason) {
				t.Fatalf("step %d %s (%s), want step %d %s (%s)", s.Step, s.Status, s.Reason, tc.wantStep, tc.wantStatus, tc.reason)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	p := testPlan()
	s := NewState(p, t0)
	steps := []struct {
		cmd     string
		step    int
		status  string
		wantErr bool
	}{
		{CommandAdvance, 1, Running, false},
		{CommandPause, 1, Paused, false},
		{CommandPause, 1, Paused, true},
		{CommandAdvance, 2, Paused, false}, // advancing a paused shift keeps it paused
		{CommandResume, 2, Running, false},
		{CommandResume, 2, Running, true},
		{CommandAbort, 0, Aborted, false},
		{CommandResume, 0, Running, false},
		{"jump", 0, Running, true},
	}
	for i, st := range steps {
		err := s.Command(p, st.cmd, t0)
		if (err != nil) != st.wantErr || s.Step != st.step || s.Status != st.status {
			t.Fatalf("%d %s: step %d %s err %v", i, st.cmd, s.Step, s.Status, err)
		}
	}
	// A paused shift does not move on Tick, whatever the readings.
	_ = s.Command(p, CommandPause, t0)
	if s.Tick(p, Readings{NewRequests: 100, New5XX: 100}, t0.Add(time.Hour)) {
		t.Fatal("a paused shift moved")
	}
}

// TestFailureTakesTheShareDown: abort, on_failure zero and a failed gate must lower New's share
// even where Steps do not start at 0 (the attribute only asks for ascending steps ending with
// 100) and where the failing step is itself the last good one (a rolled-back shift resumed).
func TestFailureTakesTheShareDown(t *testing.T) {
	t.Parallel()
	failing := Readings{NewRequests: 20, New5XX: 20}
	testCases := []struct {
		desc        string
		steps       []int
		toZero      bool
		step, good  int
		act         func(s *State, p *Plan)
		wantPercent int
	}{
		{desc: "abort without a 0 step", steps: []int{10, 50, 100}, step: 1,
			act: func(s *State, p *Plan) { _ = s.Command(p, CommandAbort, t0) }, wantPercent: 0},
		{desc: "on_failure zero without a 0 step", steps: []int{10, 50, 100}, toZero: true, step: 1,
			act: func(s *State, p *Plan) { s.Tick(p, failing, t0) }, wantPercent: 0},
		{desc: "the first step fails without a 0 step", steps: []int{10, 50, 100},
			act: func(s *State, p *Plan) { s.Tick(p, failing, t0) }, wantPercent: 0},
		{desc: "a resumed rollback fails again: one step lower", steps: []int{0, 5, 25, 100}, step: 2, good: 2,
			act: func(s *State, p *Plan) { s.Tick(p, failing, t0) }, wantPercent: 5},
		{desc: "resume after abort runs the first step again", steps: []int{10, 50, 100}, step: 1,
			act: func(s *State, p *Plan) {
				_ = s.Command(p, CommandAbort, t0)
				_ = s.Command(p, CommandResume, t0)
			}, wantPercent: 10},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := testPlan()
			p.Steps, p.ToZero = tc.steps, tc.toZero
			s := NewState(p, t0)
			s.Step, s.LastGood = tc.step, tc.good
			tc.act(&s, p)
			if got := s.Percent(p); got != tc.wantPercent {
				t.Fatalf("share %d%% (step %d, %s: %s); want %d%%", got, s.Step, s.Status, s.Reason, tc.wantPercent)
			}
		})
	}
}
