package shift

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// sharedStates is a store several nodes share, with a version per rule, as etcd keeps a mod
// revision per key; view is one node's link to it, comparing versions on save.
type sharedStates struct {
	mu      sync.Mutex
	states  map[string]State
	version map[string]int
	down    bool
}

type view struct {
	s    *sharedStates
	seen map[string]int
}

func (s *sharedStates) view() *view { return &view{s: s, seen: map[string]int{}} }

var errDown = errors.New("store down")

func (v *view) Load(rule string) (State, bool, error) {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	if v.s.down {
		return State{}, false, errDown
	}
	st, ok := v.s.states[rule]
	v.seen[rule] = v.s.version[rule]
	return st, ok, nil
}

func (v *view) Save(rule string, st State) error {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	if v.s.down {
		return errDown
	}
	if v.s.version[rule] != v.seen[rule] {
		return ErrConflict
	}
	v.s.states[rule] = st
	v.s.version[rule]++
	v.seen[rule] = v.s.version[rule]
	return nil
}

func (v *view) Follow(ctx context.Context, _ func(string)) { <-ctx.Done() }

// Two nodes on a shared store: changes made on a state another node changed meanwhile are made
// again on the stored one (commands, reloads) or dropped (ticks); a change the store did not
// take is not kept on one node.
func TestSharedStore(t *testing.T) {
	t.Parallel()
	shared := &sharedStates{states: map[string]State{}, version: map[string]int{}}
	a := NewController("r", *testPlan(), shared.view(), quiet, t0)
	b := NewController("r", *testPlan(), shared.view(), quiet, t0)
	if err := a.Command(CommandAdvance, t0); err != nil {
		t.Fatal(err)
	}
	// b has not seen the advance: its pause lands on the stored step 1.
	if err := b.Command(CommandPause, t0); err != nil {
		t.Fatal(err)
	}
	if s := b.Status(); s.Step != 1 || s.Status != Paused {
		t.Fatalf("b after its pause: %+v; want step 1 paused", s)
	}
	// a has not seen the pause: its tick, due to advance, takes the stored pause instead.
	for range 20 {
		a.New.Record(200, time.Millisecond)
	}
	a.Tick(context.Background(), t0.Add(time.Hour))
	if s := a.Status(); s.Step != 1 || s.Status != Paused || a.Percent() != 5 {
		t.Fatalf("a after its tick: %+v; want the stored step 1 paused", s)
	}
	// A reload every node makes alike is stored once, and kept while the store is down.
	a.Reconfigure(*testPlan(), Paused, 25, t0)
	b.Reconfigure(*testPlan(), Paused, 25, t0)
	if s := b.Status(); s.Step != 2 || s.AtLeast != 25 {
		t.Fatalf("b after the reload: %+v; want step 2", s)
	}
	shared.mu.Lock()
	shared.down = true
	shared.mu.Unlock()
	if err := a.Command(CommandAbort, t0); !errors.Is(err, ErrNotSaved) || a.Status().Status != Paused || a.Percent() != 25 {
		t.Fatalf("abort with the store down: %v, %+v; want ErrNotSaved and nothing changed", err, a.Status())
	}
	a.Reconfigure(*testPlan(), Running, 25, t0)
	if s := a.Status(); s.Status != Running {
		t.Fatalf("a reload with the store down: %+v; want it kept in memory", s)
	}
}

// unreadable is a shared store whose next saves meet another node's change (ErrConflict) and
// whose loads then fail: the state the other node saved cannot be read back.
type unreadable struct {
	MemoryStore
	mu        sync.Mutex
	conflicts int
	down      bool
}

func (u *unreadable) Load(rule string) (State, bool, error) {
	u.mu.Lock()
	down := u.down
	u.mu.Unlock()
	if down {
		return State{}, false, errDown
	}
	return u.MemoryStore.Load(rule)
}

func (u *unreadable) Save(rule string, st State) error {
	u.mu.Lock()
	if u.conflicts > 0 {
		u.conflicts--
		u.mu.Unlock()
		return ErrConflict
	}
	u.mu.Unlock()
	return u.MemoryStore.Save(rule, st)
}

// A change refused for a conflict is not kept when the stored state cannot be read: a command
// made again is made on the state before it (one advance moves one step), and a tick that is
// not made again leaves the state as it was.
func TestConflictWithAnUnreadableStore(t *testing.T) {
	t.Parallel()
	store := &unreadable{}
	c := NewController("r", *testPlan(), store, quiet, t0)
	store.mu.Lock()
	store.conflicts, store.down = 1, true
	store.mu.Unlock()
	if err := c.Command(CommandAdvance, t0); err != nil {
		t.Fatal(err)
	}
	if s := c.Status(); s.Step != 1 || c.Percent() != 5 {
		t.Fatalf("one advance after a conflict: step %d, share %d%%; want step 1, 5%%", s.Step, c.Percent())
	}
	store.mu.Lock()
	store.conflicts = 1
	store.mu.Unlock()
	for range 20 {
		c.New.Record(200, time.Millisecond)
	}
	c.Tick(context.Background(), t0.Add(time.Hour))
	if s := c.Status(); s.Step != 1 || c.Percent() != 5 {
		t.Fatalf("a tick refused for a conflict: step %d, share %d%%; want the state before it, step 1 at 5%%", s.Step, c.Percent())
	}
}
