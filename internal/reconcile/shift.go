package reconcile

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/shift"
)

// shifts are the data plane's shift controllers (docs/strangler.md), by rule name, kept across
// reloads, the one goroutine that ticks them while this node leads, and the one that follows
// the states the leader saves (docs/cluster.md).
type shifts struct {
	store   shift.Store
	leader  Elector
	every   time.Duration
	mu      sync.Mutex
	live    map[string]*shift.Controller
	started bool
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// Elector runs a function on one node of a cluster at a time (cluster.Elector).
type Elector interface {
	Lead(ctx context.Context, name string, run func(ctx context.Context))
}

// shiftElection is the election whose leader ticks every shift of the cluster.
const shiftElection = "shift"

func newShifts(opts Options) *shifts {
	s := &shifts{store: opts.ShiftStore, leader: opts.ShiftLeader, every: opts.ShiftTick, live: map[string]*shift.Controller{}}
	switch {
	case s.store != nil:
	case opts.ShiftDir != "":
		s.store = shift.NewFileStore(opts.ShiftDir)
	default:
		s.store = &shift.MemoryStore{}
	}
	if s.every == 0 {
		s.every = time.Second
	}
	return s
}

// stagedShift is a shifted rule of a graph being built: its controller and what commit gives it.
type stagedShift struct {
	ctrl    *shift.Controller
	plan    shift.Plan
	desired string
	atLeast int
}

// shifted returns the forward of a rule whose weights the shift controller moves: a split of
// its two target groups by the controller's share. The rule's controller is reused across
// reloads while its groups stay the same; a new one resumes what the store holds.
func (b *builder) shifted(lb *config.LoadBalancer, l *config.Listener, r *config.Rule, forward action.Handler) action.Handler {
	plan, ok := shiftPlan(r)
	if !ok {
		return forward
	}
	older, newer := b.groups[plan.Old], b.groups[plan.New]
	if older == nil || newer == nil {
		return forward // Validate refuses this
	}
	name := RuleName(lb, l, r)
	s := b.dp.shifts
	s.mu.Lock()
	ctrl := s.live[name]
	s.mu.Unlock()
	if ctrl == nil || ctrl.Status().Key != plan.Old+">"+plan.New {
		ctrl = shift.NewController(name, plan, s.store, b.dp.log, time.Now())
	}
	atLeast := -1
	if v, ok := r.AlbatrossAttributes[config.AttrShiftAtLeast]; ok {
		atLeast, _ = strconv.Atoi(v)
	}
	b.g.shifts[name] = &stagedShift{ctrl: ctrl, plan: plan, desired: r.Attribute(config.AttrShiftState), atLeast: atLeast}
	return ctrl.Split(older, newer)
}

// shiftPlan reads a rule's shift attributes (valid, as Validate checked them).
func shiftPlan(r *config.Rule) (shift.Plan, bool) {
	a, ok := routingForward(r.Actions)
	if !ok || a.ForwardConfig == nil {
		return shift.Plan{}, false
	}
	groups := forwardTargets(&a)
	newer := r.AlbatrossAttributes[config.AttrShiftTargetGroup]
	i := slices.Index(groups, newer)
	if len(groups) != 2 || i < 0 {
		return shift.Plan{}, false
	}
	num := func(k string) float64 { f, _ := strconv.ParseFloat(r.Attribute(k), 64); return f }
	return shift.Plan{Old: groups[1-i], New: newer, Steps: r.ShiftSteps(),
		Interval:           time.Duration(num(config.AttrShiftIntervalSeconds)) * time.Second,
		Max5XXPercent:      num(config.AttrShiftMax5XXPercent),
		MaxP99Ratio:        num(config.AttrShiftMaxP99Ratio),
		MaxMismatchPercent: num(config.AttrShiftMaxMismatch),
		MinRequests:        uint64(num(config.AttrShiftMinRequests)),
		ToZero:             r.Attribute(config.AttrShiftOnFailure) == "zero",
	}, true
}

// commit makes the shifted rules of a new graph the live ones and starts the ticker and the
// follower.
func (s *shifts) commit(next map[string]*stagedShift, shadowed map[string]*shadowedRule) {
	live := make(map[string]*shift.Controller, len(next))
	for name, st := range next {
		var counts func() (uint64, uint64)
		for _, sr := range shadowed {
			if sr.rule == name {
				counts = sr.tally.Compared
			}
		}
		st.ctrl.SetShadow(counts)
		st.ctrl.Reconfigure(st.plan, st.desired, st.atLeast, time.Now())
		live[name] = st.ctrl
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live = live
	if s.started || len(live) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.started, s.stop = true, cancel
	if s.every > 0 {
		s.wg.Go(func() { s.lead(ctx) })
	}
	if f, ok := s.store.(shift.Follower); ok {
		s.wg.Go(func() { f.Follow(ctx, s.follow) })
	}
}

// lead ticks the shifts while this node leads the cluster's shift election (always, alone).
// A node that becomes the leader first reads every state, to go on from the steps the previous
// leader stored.
func (s *shifts) lead(ctx context.Context) {
	if s.leader == nil {
		s.run(ctx)
		return
	}
	s.leader.Lead(ctx, shiftElection, func(ctx context.Context) {
		for _, c := range s.controllers() {
			c.Reload()
		}
		s.run(ctx)
	})
}

// follow takes the state another node saved for rule.
func (s *shifts) follow(rule string) {
	s.mu.Lock()
	c := s.live[rule]
	s.mu.Unlock()
	if c != nil {
		c.Reload()
	}
}

func (s *shifts) run(ctx context.Context) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.tick(ctx, now)
		}
	}
}

// tick lets every live controller judge its step while ctx, the leadership, lasts.
func (s *shifts) tick(ctx context.Context, now time.Time) {
	for _, c := range s.controllers() {
		c.Tick(ctx, now)
	}
}

func (s *shifts) controllers() []*shift.Controller {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*shift.Controller, 0, len(s.live))
	for _, c := range s.live {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *shift.Controller) int { return cmp.Compare(a.Rule(), b.Rule()) })
	return out
}

func (s *shifts) close() {
	s.mu.Lock()
	started, stop := s.started, s.stop
	s.mu.Unlock()
	if started {
		stop()
		s.wg.Wait()
	}
}

// ShiftStatuses returns where every shift stands, by rule name.
func (dp *DataPlane) ShiftStatuses() []shift.Status {
	cs := dp.shifts.controllers()
	out := make([]shift.Status, len(cs))
	for i, c := range cs {
		out[i] = c.Status()
	}
	return out
}

// ShiftCommand gives a shift an operator's command: pause, resume, advance or abort.
func (dp *DataPlane) ShiftCommand(rule, cmd string) (shift.Status, error) {
	for _, c := range dp.shifts.controllers() {
		if c.Rule() == rule {
			err := c.Command(cmd, time.Now())
			return c.Status(), err
		}
	}
	return shift.Status{}, fmt.Errorf("no shift on rule %q", rule)
}

// ShiftHandler serves /strangler/shift on the API address: GET lists every shift's status as
// JSON; POST with rule=NAME and command=pause|resume|advance|abort (a form) commands one and
// answers its status, or 400 with the reason.
func (dp *DataPlane) ShiftHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			_ = json.NewEncoder(w).Encode(struct {
				Shifts []shift.Status `json:"shifts"`
			}{dp.ShiftStatuses()})
		case http.MethodPost:
			st, err := dp.ShiftCommand(r.FormValue("rule"), r.FormValue("command"))
			if err != nil {
				status := http.StatusBadRequest
				if errors.Is(err, shift.ErrNotSaved) { // the cluster's store is away: try again
					status = http.StatusServiceUnavailable
				}
				w.WriteHeader(status)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
				return
			}
			_ = json.NewEncoder(w).Encode(st)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
}

// shiftSamples are the shift metrics, read at every scrape.
func (dp *DataPlane) shiftSamples() []observe.Sample {
	var out []observe.Sample
	for _, s := range dp.ShiftStatuses() {
		labels := []observe.Label{{Name: "rule", Value: s.Rule}, {Name: "new_target_group", Value: s.New}}
		out = append(out,
			observe.Sample{Name: "albatross_shift_percent", Help: "The new target group's share of a shifted rule (docs/strangler.md).", Labels: labels, Value: float64(s.Percent)},
			observe.Sample{Name: "albatross_shift_step", Help: "The index of a shift's current step.", Labels: labels, Value: float64(s.Step)},
			observe.Sample{Name: "albatross_shift_status", Help: "1 for the status a shift is in.", Labels: append(slices.Clone(labels), observe.Label{Name: "status", Value: s.Status}), Value: 1})
		for _, g := range s.Gates {
			gl := append(slices.Clone(labels), observe.Label{Name: "gate", Value: g.Name})
			out = append(out, observe.Sample{Name: "albatross_shift_gate_value", Help: "A shift gate's latest reading.", Labels: gl, Value: g.Value},
				observe.Sample{Name: "albatross_shift_gate_limit", Help: "A shift gate's limit.", Labels: gl, Value: g.Limit})
		}
	}
	return out
}

// DescribeShift words a rule's shift for explain, "" when it has none.
func DescribeShift(r *config.Rule) string {
	p, ok := shiftPlan(r)
	if !ok {
		return ""
	}
	steps := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		steps[i] = strconv.Itoa(s)
	}
	back := "the last good step"
	if p.ToZero {
		back = "0%"
	}
	return fmt.Sprintf("moves %s's share from %s in steps %s%% every %s while 5XX ≤ %g%%, p99 ≤ %g× %s's and shadow mismatches ≤ %g%% (judged from %d requests); back to %s when a gate fails; the weights in force are the controller's (albatross shift)",
		p.New, p.Old, strings.Join(steps, ", "), p.Interval, p.Max5XXPercent, p.MaxP99Ratio, p.Old, p.MaxMismatchPercent, p.MinRequests, back)
}

// ForwardWeights returns the weights a shift controller has set on the rule named rule
// (RuleName), by target group name, for DescribeRules (elbv2.WeightSource).
func (dp *DataPlane) ForwardWeights(rule string) (map[string]int, bool) {
	for _, c := range dp.shifts.controllers() {
		if c.Rule() == rule {
			s := c.Status()
			return map[string]int{s.Old: s.Weights[0], s.New: s.Weights[1]}, true
		}
	}
	return nil, false
}
