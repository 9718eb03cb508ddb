package targetgroup

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Registry keeps Target values by identity (target group name, target id and port) across
// configuration revisions, so that health state and in-flight counts survive a reload
// (a reload must not reset health checks or lose requests in flight). It owns each target's health checker and the draining of removed targets
// (ALG-04). It is safe for concurrent use; Close stops everything it started.
type Registry struct {
	mu      sync.Mutex
	targets map[string]*Target
	// fresh are targets a revision being built asked for that are not registered yet: they join
	// targets when Retain keeps them, and are forgotten by Abandon or the next Retain.
	fresh  map[string]*Target
	log    atomic.Pointer[slog.Logger]
	ctx    context.Context
	cancel context.CancelFunc
	checks sync.WaitGroup
}

// NewRegistry returns an empty registry logging to slog.Default().
func NewRegistry() *Registry {
	reg := &Registry{targets: make(map[string]*Target), fresh: make(map[string]*Target)}
	reg.ctx, reg.cancel = context.WithCancel(context.Background())
	reg.log.Store(slog.Default())
	return reg
}

// SetLogger sets where target state changes are logged (once per change).
func (reg *Registry) SetLogger(l *slog.Logger) {
	if l != nil {
		reg.log.Store(l)
	}
}

// Target returns the target registered as id:port in the named group. A target not registered
// yet is made (state initial) but only registered when Retain keeps it, so that a revision that
// is rejected leaves nothing behind; asked for again before then, it is the same target. A
// draining target asked for again is registered anew when Retain keeps it.
func (reg *Registry) Target(group, id string, port int) *Target {
	key := targetKey(group, id, port)
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if t, ok := reg.targets[key]; ok {
		return t
	}
	t, ok := reg.fresh[key]
	if !ok {
		t = NewTarget(id, port)
		t.reg, t.group = reg, group
		reg.fresh[key] = t
	}
	return t
}

// Abandon forgets the targets made for a revision that was rejected.
func (reg *Registry) Abandon() {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	clear(reg.fresh)
}

// targetKey is the identity of a target in the registry: its group, id and port.
func targetKey(group, id string, port int) string {
	return group + "\x00" + id + "\x00" + strconv.Itoa(port)
}

// Check records the health check the revision being built wants for t. It takes effect when
// Retain commits the revision; until then the running check (if any) continues.
func (reg *Registry) Check(t *Target, spec CheckSpec) {
	t.pending.Store(&spec)
}

// Retain commits a revision whose targets are keep. Kept targets get the health check their last
// Check call asked for (the running checker, with its counters, stays when the spec's Key is
// unchanged) and draining ones among them are registered again. Every other target is
// deregistered: it takes no new request, shows draining for its group's deregistration delay,
// then requests still in flight on it are cut and it is forgotten (ALG-04).
func (reg *Registry) Retain(keep map[*Target]bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for key, t := range reg.fresh {
		if keep[t] {
			reg.targets[key] = t
		}
	}
	clear(reg.fresh)
	for key, t := range reg.targets {
		switch {
		case keep[t]:
			if t.drain != nil {
				t.drain.timer.Stop()
				t.drain = nil
				t.setStatus(statusRegistering)
			}
			reg.syncCheck(t)
		case t.drain == nil:
			reg.startDrain(key, t)
		}
	}
}

// startDrain deregisters t. reg.mu is held.
func (reg *Registry) startDrain(key string, t *Target) {
	reg.stopCheck(t)
	t.setStatus(statusDraining)
	var delay time.Duration
	if gs := t.settings.Load(); gs != nil {
		delay = gs.delay
	}
	d := &drain{}
	t.drain = d
	d.timer = time.AfterFunc(delay, func() { reg.finishDrain(key, t, d) })
}

// drain is one deregistration of a target; a new registration or Close replaces or clears it.
type drain struct{ timer *time.Timer }

// finishDrain ends a deregistration delay: requests still in flight are cut, the target is gone.
func (reg *Registry) finishDrain(key string, t *Target, d *drain) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if t.drain != d {
		return // registered again, or closed, meanwhile
	}
	t.drain = nil
	t.cut()
	t.setStatus(statusGone)
	if reg.targets[key] == t {
		delete(reg.targets, key)
	}
}

// Health returns the health of every target of the named group that is registered or still
// draining, ordered by id and port (DescribeTargetHealth).
func (reg *Registry) Health(group string) []TargetHealth {
	reg.mu.Lock()
	var out []TargetHealth
	for _, t := range reg.targets {
		if t.group == group {
			out = append(out, t.Health())
		}
	}
	reg.mu.Unlock()
	slices.SortFunc(out, func(a, b TargetHealth) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Port, b.Port))
	})
	return out
}

// Close stops every health checker and waits for them, and cuts targets still draining.
func (reg *Registry) Close() {
	reg.mu.Lock()
	for _, t := range reg.targets {
		reg.stopCheck(t)
		if t.drain != nil {
			t.drain.timer.Stop()
			t.drain = nil
			t.cut()
		}
	}
	reg.cancel()
	reg.mu.Unlock()
	reg.checks.Wait()
}

func (reg *Registry) logChange(t *Target, old, next *status) {
	reg.log.Load().Info("target health changed", "target_group", t.group, "target", t.Addr,
		"from", old.state.String(), "to", next.state.String(), "reason", next.reason, "description", next.description)
}

// Lookup returns the health of one target of a group, and false when it is neither registered
// nor draining.
func (reg *Registry) Lookup(group, id string, port int) (TargetHealth, bool) {
	key := targetKey(group, id, port)
	reg.mu.Lock()
	t, ok := reg.targets[key]
	reg.mu.Unlock()
	if !ok {
		return TargetHealth{}, false
	}
	return t.Health(), true
}
