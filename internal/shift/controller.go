package shift

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Controller drives one rule's shift: it keeps the State, meters both groups, judges on Tick,
// persists every change through its Store, and tells the request path New's share. It is safe
// for concurrent use.
type Controller struct {
	rule  string
	store Store
	log   *slog.Logger
	// Old and New meter the two groups' answers within the current step.
	Old, New Meter
	percent  atomic.Int32

	mu    sync.Mutex
	plan  Plan
	state State
	// shadow returns the shadow tally's cumulative compared and mismatched counts (nil: the
	// rule is not shadowed); base holds them at the step's start.
	shadow                       func() (compared, mismatched uint64)
	baseCompared, baseMismatched uint64
}

// NewController returns the controller of rule, resuming the state store holds for the same
// groups, or starting at step 0.
func NewController(rule string, plan Plan, store Store, log *slog.Logger, now time.Time) *Controller {
	c := &Controller{rule: rule, store: store, log: log, plan: plan}
	s, ok, err := store.Load(rule)
	if err != nil {
		log.Warn("shift state unreadable, starting afresh", "rule", rule, "error", err)
	}
	if !ok || err != nil || s.Key != plan.Old+">"+plan.New {
		s = NewState(&plan, now)
		c.state = s
		c.save()
	} else {
		c.state = s
		c.clamp()
	}
	c.percent.Store(int32(c.state.Percent(&c.plan)))
	return c
}

// Rule is the name of the rule the controller drives.
func (c *Controller) Rule() string { return c.rule }

// Percent is New's share now, 0..100.
func (c *Controller) Percent() int { return int(c.percent.Load()) }

// Reconfigure takes a reloaded plan for the same groups, the albatross.shift.state the reload
// asks for and its albatross.shift.at_least (-1 for none), each acted on only when it changed
// since the last reload.
func (c *Controller) Reconfigure(plan Plan, desired string, atLeast int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.plan = plan
	c.clamp()
	changed := false
	if desired != c.state.Desired {
		// "running" is where every shift starts: only a change back to it resumes.
		if cmd := commandFor[desired]; cmd != "" && (c.state.Desired != "" || desired != Running) {
			_ = c.state.Command(&c.plan, cmd, now) // an error means there was nothing to do
		}
		c.state.Desired, changed = desired, true
	}
	if atLeast != c.state.AtLeast {
		c.state.AtLeast, changed = atLeast, true
		if i := slices.Index(c.plan.Steps, atLeast); i > c.state.Step {
			for c.state.Step < i {
				if c.state.Command(&c.plan, CommandAdvance, now) != nil {
					break
				}
			}
			c.state.Reason = fmt.Sprintf("advanced to %d%% by a reload (albatross.shift.at_least)", atLeast)
		}
	}
	if !changed {
		c.percent.Store(int32(c.state.Percent(&c.plan))) // the steps may have changed
		return
	}
	c.changed("reconfigured")
}

// commandFor maps the albatross.shift.state a reload asks for to the command it gives.
var commandFor = map[string]string{Paused: CommandPause, Running: CommandResume, Aborted: CommandAbort}

// SetShadow gives the controller the rule's shadow counts for the mismatch gate (nil: none).
func (c *Controller) SetShadow(counts func() (compared, mismatched uint64)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shadow = counts
	c.baseCompared, c.baseMismatched = c.shadowCounts()
}

// Tick judges the current step's readings and moves the shift when it must.
func (c *Controller) Tick(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var r Readings
	r.NewRequests, r.New5XX, r.NewP99 = c.New.Reading()
	_, _, r.OldP99 = c.Old.Reading()
	if c.shadow != nil {
		compared, mismatched := c.shadowCounts()
		r.Shadowed, r.Compared, r.Mismatched = true, compared-c.baseCompared, mismatched-c.baseMismatched
	}
	if c.state.Tick(&c.plan, r, now) {
		c.changed("tick")
	}
}

// Command applies an operator's command (pause, resume, advance, abort).
func (c *Controller) Command(cmd string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.state.Command(&c.plan, cmd, now); err != nil {
		return err
	}
	c.changed(cmd)
	return nil
}

// Status is a controller's state with its plan, for the API, the command and the dashboard.
type Status struct {
	Rule    string `json:"rule"`
	Old     string `json:"old"`
	New     string `json:"new"`
	Steps   []int  `json:"steps"`
	Percent int    `json:"percent"`
	// Weights are the ordinary forward weights in force: Old's and New's.
	Weights  [2]int `json:"weights"`
	Interval string `json:"interval"`
	State
}

// Status returns a copy of where the shift stands.
func (c *Controller) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.state.Percent(&c.plan)
	s := Status{Rule: c.rule, Old: c.plan.Old, New: c.plan.New, Steps: slices.Clone(c.plan.Steps), Percent: p,
		Weights: [2]int{100 - p, p}, Interval: c.plan.Interval.String(), State: c.state}
	s.Gates = slices.Clone(c.state.Gates)
	return s
}

// changed publishes the new share, starts the step's readings afresh when the step moved, and
// saves and logs the state. c.mu is held.
func (c *Controller) changed(why string) {
	p := int32(c.state.Percent(&c.plan))
	if old := c.percent.Swap(p); old != p || why != "reconfigured" {
		c.Old.Reset()
		c.New.Reset()
		c.baseCompared, c.baseMismatched = c.shadowCounts()
	}
	c.save()
	c.log.Info("shift", "rule", c.rule, "status", c.state.Status, "percent", p, "step", c.state.Step, "reason", c.state.Reason)
}

func (c *Controller) shadowCounts() (uint64, uint64) {
	if c.shadow == nil {
		return 0, 0
	}
	return c.shadow()
}

func (c *Controller) clamp() {
	c.state.Step = min(c.state.Step, len(c.plan.Steps)-1)
	c.state.LastGood = min(c.state.LastGood, c.state.Step)
}

func (c *Controller) save() {
	if err := c.store.Save(c.rule, c.state); err != nil {
		c.log.Error("shift state not saved", "rule", c.rule, "error", err)
	}
}
