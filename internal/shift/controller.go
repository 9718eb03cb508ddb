package shift

import (
	"context"
	"errors"
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
	c.reload()
	_ = c.update("started", nil, true, true, func(s *State) bool {
		if s.Key == c.key() {
			return false
		}
		*s = NewState(&c.plan, now) // nothing stored, or a state for other groups
		return true
	})
	c.state.Rebase(&c.plan)
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
	c.state.Rebase(&c.plan)
	_ = c.update("reconfigured", nil, true, true, func(s *State) bool {
		changed := false
		if desired != s.Desired {
			// "running" is where every shift starts: only a change back to it resumes.
			if cmd := commandFor[desired]; cmd != "" && (s.Desired != "" || desired != Running) {
				_ = s.Command(&c.plan, cmd, now) // an error means there was nothing to do
			}
			s.Desired, changed = desired, true
		}
		if atLeast != s.AtLeast {
			s.AtLeast, changed = atLeast, true
			if i := slices.Index(c.plan.Steps, atLeast); i > s.Step {
				for s.Step < i {
					if s.Command(&c.plan, CommandAdvance, now) != nil {
						break
					}
				}
				s.Reason = fmt.Sprintf("advanced to %d%% by a reload (albatross.shift.at_least)", atLeast)
			}
		}
		return changed
	})
	c.percent.Store(int32(c.state.Percent(&c.plan))) // the steps may have changed
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

// Tick judges the current step's readings and moves the shift when it must. lead is the
// context of the leadership the tick is made under (Elector.Lead's): once it has ended the tick
// does nothing, and a LeaderStore refuses its save when the leadership ended unnoticed.
func (c *Controller) Tick(lead context.Context, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if lead.Err() != nil {
		return // another node may lead now
	}
	var r Readings
	r.NewRequests, r.New5XX, r.NewP99 = c.New.Reading()
	_, _, r.OldP99 = c.Old.Reading()
	if c.shadow != nil {
		compared, mismatched := c.shadowCounts()
		r.Shadowed, r.Compared, r.Mismatched = true, compared-c.baseCompared, mismatched-c.baseMismatched
	}
	// A tick is not made again on a state another node saved meanwhile: its readings belong
	// to the step this node judged, and the next tick judges the stored state afresh.
	_ = c.update("tick", lead, false, false, func(s *State) bool { return s.Tick(&c.plan, r, now) })
}

// Command applies an operator's command (pause, resume, advance, abort).
func (c *Controller) Command(cmd string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if serr := c.update(cmd, nil, true, false, func(s *State) bool {
		err = s.Command(&c.plan, cmd, now)
		return err == nil
	}); serr != nil {
		return serr
	}
	return err
}

// Reload takes the stored state: a node that follows the shift does when another node saved
// it, and a node that starts to drive it does, to go on from the step the previous driver
// stored. It keeps the state it has when the store does not answer or holds none for these
// groups.
func (c *Controller) Reload() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reload()
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

// maxConflicts bounds how often a change is made again on a state another node saved first.
const maxConflicts = 8

// update applies change to the state and saves the result when it changed anything. When
// another node saved first (ErrConflict), the stored state is read and, if retry, change is
// applied again on top of it. When the store fails otherwise, a store of this process alone
// keeps the change in memory (logged: the shift goes on, the next save may succeed); a shared
// store (Follower) drops it unless keep, so that this node never routes with a share the others
// do not have; the next tick makes it again. keep is for reloads, which every node makes alike.
// lead is a tick's leadership (nil for any other change). c.mu is held.
func (c *Controller) update(why string, lead context.Context, retry, keep bool, change func(s *State) bool) error {
	for range maxConflicts {
		before := c.state
		if !change(&c.state) {
			return nil
		}
		err := c.save(lead)
		if errors.Is(err, ErrConflict) {
			// The change is not stored: drop it before reading the stored state, which may fail
			// and keep what is in memory, so that a retry does not make it twice.
			c.state = before
			if errors.Is(err, ErrNotLeading) {
				c.log.Warn("shift change dropped: this node no longer leads", "rule", c.rule, "change", why)
			}
			c.reload()
			if retry {
				continue
			}
			return nil
		}
		if err != nil {
			if _, shared := c.store.(Follower); shared && !keep {
				c.state = before
				c.log.Warn("shift change dropped: the shared store did not take it", "rule", c.rule, "change", why, "error", err)
				return fmt.Errorf("%w: %w", ErrNotSaved, err)
			}
			c.log.Error("shift state not saved", "rule", c.rule, "error", err)
		}
		c.changed(why)
		return nil
	}
	c.log.Error("shift state not saved: other nodes changed it every time", "rule", c.rule, "change", why)
	return fmt.Errorf("%w: other nodes changed it %d times", ErrNotSaved, maxConflicts)
}

// save stores the state; a tick's save is fenced by its leadership where the store can.
func (c *Controller) save(lead context.Context) error {
	if ls, ok := c.store.(LeaderStore); ok && lead != nil {
		return ls.SaveLeading(lead, c.rule, c.state)
	}
	return c.store.Save(c.rule, c.state)
}

// changed publishes the new share, starts the step's readings afresh when the step moved, and
// logs the state. c.mu is held.
func (c *Controller) changed(why string) {
	p := int32(c.state.Percent(&c.plan))
	if old := c.percent.Swap(p); old != p || why != "reconfigured" {
		c.resetReadings()
	}
	c.log.Info("shift", "rule", c.rule, "status", c.state.Status, "percent", p, "step", c.state.Step, "reason", c.state.Reason)
}

// reload replaces the state by the stored one for the same groups. c.mu is held.
func (c *Controller) reload() {
	s, ok, err := c.store.Load(c.rule)
	if err != nil {
		c.log.Warn("shift state unreadable; keeping the one in memory", "rule", c.rule, "error", err)
		return
	}
	if ok && s.Key == c.key() {
		c.set(s)
	}
}

// set makes s the state and publishes its share; a step that started at another time starts
// the readings afresh. c.mu is held.
func (c *Controller) set(s State) {
	startedAt := c.state.StepStarted
	c.state = s
	c.state.Rebase(&c.plan)
	c.percent.Store(int32(c.state.Percent(&c.plan)))
	if !s.StepStarted.Equal(startedAt) {
		c.resetReadings()
	}
}

func (c *Controller) resetReadings() {
	c.Old.Reset()
	c.New.Reset()
	c.baseCompared, c.baseMismatched = c.shadowCounts()
}

func (c *Controller) key() string { return c.plan.Old + ">" + c.plan.New }

func (c *Controller) shadowCounts() (uint64, uint64) {
	if c.shadow == nil {
		return 0, 0
	}
	return c.shadow()
}
