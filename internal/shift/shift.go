// Package shift moves a rule's traffic from an old target group to a new one in steps on a
// schedule, advancing only while gates hold (the new group's 5XX rate, its p99 latency relative
// to the old group's, the shadow mismatch rate) and rolling back when one fails
// (docs/strangler.md). The decision (State.Tick) is pure; a Controller feeds it the readings of
// its meters, persists the state through a Store, and exposes the new group's share to the
// request path.
package shift

import (
	"fmt"
	"slices"
	"time"
)

// Plan is one rule's shift as configured.
type Plan struct {
	// Old and New are the target group names; New's share moves along Steps.
	Old, New string
	// Steps are New's percentages, ascending, the last 100.
	Steps []int
	// Interval is how long a step lasts before the next, if its gates held.
	Interval time.Duration
	// Max5XXPercent is the highest share of New's answers that may be 5XX.
	Max5XXPercent float64
	// MaxP99Ratio bounds New's p99 latency as a multiple of Old's.
	MaxP99Ratio float64
	// MaxMismatchPercent bounds the share of compared shadow pairs that differ.
	MaxMismatchPercent float64
	// MinRequests is how many requests a gate needs before it judges (New's answers for the
	// 5XX and latency gates, compared pairs for the mismatch gate).
	MinRequests uint64
	// ToZero sends a failed shift to step 0 instead of the last good step.
	ToZero bool
}

// Statuses of a shift.
const (
	Running    = "running"
	Paused     = "paused"
	Aborted    = "aborted"
	RolledBack = "rolled_back"
	Done       = "done"
)

// State is where a shift stands; it is what a Store keeps and survives a restart.
type State struct {
	// Key identifies the plan's groups ("old>new"): a state for other groups is started afresh.
	Key string `json:"key"`
	// Step indexes Plan.Steps; LastGood is the last step whose gates held.
	Step     int    `json:"step"`
	LastGood int    `json:"last_good"`
	Status   string `json:"status"`
	// Steps are the percentages Step and LastGood index. A plan with other steps (a reload
	// changed albatross.shift.steps) maps them by percentage (Rebase); none is a state saved
	// before they were kept, taken to index the plan's.
	Steps []int `json:"steps,omitempty"`
	// Zeroed holds New's share at 0 whatever Step says: the shift was aborted or rolled back to
	// 0, and Steps need not start at 0. Resume and advance lift it.
	Zeroed bool `json:"zeroed,omitempty"`
	// Reason says why the shift stopped, rolled back, or last moved.
	Reason string `json:"reason"`
	// StepStarted is when the current step began; its readings count from then.
	StepStarted time.Time `json:"step_started"`
	// Gates are the latest gate readings.
	Gates []Gate `json:"gates"`
	// Desired is the last albatross.shift.state a reload asked for: a reload acts only when it
	// changes, so that an API pause is not undone by the next unrelated reload.
	Desired string `json:"desired"`
	// AtLeast is the last albatross.shift.at_least a reload gave (-1 for none): likewise acted on
	// only when it changes.
	AtLeast int `json:"at_least"`
	// Updated is when the state last changed.
	Updated time.Time `json:"updated"`
}

// Gate is one gate's latest reading.
type Gate struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	// Judged is false while the gate has too few requests to judge.
	Judged bool `json:"judged"`
	OK     bool `json:"ok"`
}

// Readings are what happened since the current step started.
type Readings struct {
	NewRequests, New5XX uint64
	NewP99, OldP99      time.Duration
	// Compared and Mismatched count shadow pairs; Shadowed says the rule is shadowed at all.
	Compared, Mismatched uint64
	Shadowed             bool
}

// NewState is the state of a shift that starts now at step 0.
func NewState(p *Plan, now time.Time) State {
	return State{Key: p.Old + ">" + p.New, Status: Running, StepStarted: now, Updated: now, Reason: "started", AtLeast: -1,
		Steps: slices.Clone(p.Steps)}
}

// Rebase makes Step and LastGood index p.Steps. When they indexed other steps, each goes to
// the highest of p's steps not above the percentage it stood at: keeping the index instead
// would move the share (step 2 is 25 % of 0,5,25,50,100 but 100 % of 0,50,100), and a changed
// list must never raise it.
func (s *State) Rebase(p *Plan) {
	if s.Steps != nil && !slices.Equal(s.Steps, p.Steps) {
		at := func(i int) int { return s.Steps[max(0, min(i, len(s.Steps)-1))] }
		s.Step, s.LastGood = stepAtMost(p.Steps, at(s.Step)), stepAtMost(p.Steps, at(s.LastGood))
	}
	s.Steps = slices.Clone(p.Steps)
	s.Step = max(0, min(s.Step, len(p.Steps)-1))
	s.LastGood = max(0, min(s.LastGood, s.Step))
}

// stepAtMost is the index of the highest step not above percent, 0 when there is none.
func stepAtMost(steps []int, percent int) int {
	i := 0
	for j, v := range steps {
		if v <= percent {
			i = j
		}
	}
	return i
}

// Percent is New's share at the current step.
func (s *State) Percent(p *Plan) int {
	if s.Zeroed {
		return 0
	}
	return p.Steps[min(max(s.Step, 0), len(p.Steps)-1)]
}

// Tick judges the gates on r and moves the shift: back when a gate failed, on when the step's
// interval is over and every gate held. It reports whether the state changed.
func (s *State) Tick(p *Plan, r Readings, now time.Time) bool {
	if s.Status != Running {
		return false
	}
	s.Gates = gates(p, r)
	for _, g := range s.Gates {
		if g.Judged && !g.OK {
			s.rollBack(p, now, fmt.Sprintf("gate %s failed: %.4g > %.4g", g.Name, g.Value, g.Limit))
			return true
		}
	}
	if now.Sub(s.StepStarted) < p.Interval {
		return false
	}
	if s.Percent(p) > 0 && r.NewRequests < p.MinRequests {
		return false // not enough evidence yet: the step lasts until the gates can judge
	}
	s.LastGood = s.Step
	if s.Step+1 >= len(p.Steps) {
		s.move(s.Step, now, Done, "every step held")
		return true
	}
	s.move(s.Step+1, now, Running, fmt.Sprintf("step %d%% held for %s", p.Steps[s.Step], p.Interval))
	return true
}

// rollBack lowers New's share after a failed gate: to the last step whose gates held, or to 0
// with ToZero. The failing step can be the last good one (a rolled-back shift that was resumed):
// it has not held now, so the share goes one step lower, and below the first step to 0.
func (s *State) rollBack(p *Plan, now time.Time, why string) {
	to, zero := s.LastGood, p.ToZero
	if to >= s.Step {
		to, zero = s.Step-1, zero || s.Step == 0
	}
	if zero {
		to = 0
	}
	s.LastGood = min(s.LastGood, to)
	s.move(to, now, RolledBack, "")
	s.Zeroed = zero
	s.Reason = fmt.Sprintf("%s; back to %d%%", why, s.Percent(p))
}

// move makes step current with status; it lifts Zeroed, which abort and rollBack set after it.
func (s *State) move(step int, now time.Time, status, reason string) {
	s.Step, s.Status, s.Reason, s.StepStarted, s.Updated = step, status, reason, now, now
	s.Zeroed = false
}

// gates reads the three gates. A gate without enough requests is not judged.
func gates(p *Plan, r Readings) []Gate {
	out := []Gate{{Name: "new_5xx_percentage", Limit: p.Max5XXPercent, Judged: r.NewRequests >= p.MinRequests}}
	if r.NewRequests > 0 {
		out[0].Value = 100 * float64(r.New5XX) / float64(r.NewRequests)
	}
	ratio := Gate{Name: "p99_ratio", Limit: p.MaxP99Ratio, Judged: r.NewRequests >= p.MinRequests && r.OldP99 > 0}
	if r.OldP99 > 0 {
		ratio.Value = float64(r.NewP99) / float64(r.OldP99)
	}
	out = append(out, ratio)
	if r.Shadowed {
		mm := Gate{Name: "mismatch_percentage", Limit: p.MaxMismatchPercent, Judged: r.Compared >= p.MinRequests}
		if r.Compared > 0 {
			mm.Value = 100 * float64(r.Mismatched) / float64(r.Compared)
		}
		out = append(out, mm)
	}
	for i := range out {
		out[i].OK = out[i].Value <= out[i].Limit
	}
	return out
}

// Commands an operator gives a shift (through the API or a reload).
const (
	CommandPause   = "pause"
	CommandResume  = "resume"
	CommandAdvance = "advance"
	CommandAbort   = "abort"
)

// Command applies an operator's command. Advance moves to the next step at once, whatever the
// gates say; abort sends New's share to 0 and stops; resume restarts a paused, aborted or rolled
// back shift from its current step.
func (s *State) Command(p *Plan, cmd string, now time.Time) error {
	switch cmd {
	case CommandPause:
		if s.Status != Running {
			return fmt.Errorf("the shift is %s, not running", s.Status)
		}
		s.Status, s.Reason, s.Updated = Paused, "paused by the operator", now
	case CommandResume:
		if s.Status == Running || s.Status == Done {
			return fmt.Errorf("the shift is %s", s.Status)
		}
		s.move(s.Step, now, Running, "resumed by the operator")
	case CommandAdvance:
		if s.Step+1 >= len(p.Steps) {
			return fmt.Errorf("the shift is at its last step")
		}
		s.LastGood = s.Step
		status := s.Status
		if status == Done || status == Aborted || status == RolledBack {
			status = Paused
		}
		s.move(s.Step+1, now, status, "advanced by the operator")
		if s.Step == len(p.Steps)-1 {
			s.Status = Done
		}
	case CommandAbort:
		s.move(0, now, Aborted, "aborted by the operator")
		s.Zeroed = true
	default:
		return fmt.Errorf("unknown command %q (want pause, resume, advance or abort)", cmd)
	}
	return nil
}
