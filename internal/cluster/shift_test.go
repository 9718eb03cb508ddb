package cluster

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/shift"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// shiftNode is one node's part of a shift as the data plane wires it (reconcile's shifts): a
// controller on the shared store, ticked only while the node leads, reloaded whenever another
// node saved the state.
type shiftNode struct {
	name  string
	c     *Cluster
	store *ShiftStore
	ctrl  *shift.Controller
	// ticks reach the controller only while the node leads; leading tells who started to.
	ticks   chan time.Time
	ticked  chan struct{}
	leading chan string
	// followed tells of every state another node saved that this node took.
	followed chan struct{}
	stopLead context.CancelFunc
}

var testShiftPlan = shift.Plan{Old: "site", New: "api", Steps: []int{0, 50, 100}, Interval: time.Minute,
	Max5XXPercent: 1, MaxP99Ratio: 1.5, MaxMismatchPercent: 5, MinRequests: 1}

const shiftRule = "web/8080/15"

func startShiftNode(t *testing.T, endpoint, name string, leading chan string, now time.Time) *shiftNode {
	t.Helper()
	c := connect(t, endpoint, name)
	n := &shiftNode{name: name, c: c, store: c.ShiftStore(""), ticks: make(chan time.Time), ticked: make(chan struct{}),
		leading: leading, followed: make(chan struct{}, 64)}
	n.ctrl = shift.NewController(shiftRule, testShiftPlan, n.store, slog.New(slog.DiscardHandler), now)
	var wg sync.WaitGroup
	followCtx, stopFollow := context.WithCancel(context.Background())
	leadCtx, stopLead := context.WithCancel(context.Background())
	n.stopLead = stopLead
	wg.Go(func() {
		n.store.Follow(followCtx, func(rule string) {
			if rule == shiftRule {
				n.ctrl.Reload()
				select { // a full buffer already wakes await
				case n.followed <- struct{}{}:
				default:
				}
			}
		})
	})
	wg.Go(func() {
		c.Lead(leadCtx, "shift", func(ctx context.Context) {
			n.ctrl.Reload()
			n.leading <- name
			for {
				select {
				case <-ctx.Done():
					return
				case now := <-n.ticks:
					n.ctrl.Tick(ctx, now)
					n.ticked <- struct{}{}
				}
			}
		})
	})
	t.Cleanup(func() { stopLead(); stopFollow(); wg.Wait() })
	return n
}

// tick ticks the node, which must be leading.
func (n *shiftNode) tick(t *testing.T, now time.Time) {
	t.Helper()
	select {
	case n.ticks <- now:
		<-n.ticked
	case <-time.After(30 * time.Second):
		t.Fatalf("%s does not tick: it does not lead", n.name)
	}
}

// await waits until the node's controller satisfies ok, taking what it follows.
func (n *shiftNode) await(t *testing.T, what string, ok func(shift.Status) bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !ok(n.ctrl.Status()) {
		select {
		case <-n.followed:
		case <-deadline:
			t.Fatalf("%s never saw %s: %+v", n.name, what, n.ctrl.Status())
		}
	}
}

// TestShiftAcrossNodes: one node at a time drives a shift whose state is in etcd; the other
// routes with the share the driver stored, its commands reach the driver, and the node that
// takes over goes on from the stored step.
func TestShiftAcrossNodes(t *testing.T) {
	endpoint := startEtcd(t)
	t0 := time.Now()
	leading := make(chan string, 2)
	a := startShiftNode(t, endpoint, "node-a", leading, t0)
	if got := <-leading; got != "node-a" {
		t.Fatalf("first leader %s; want node-a", got)
	}
	b := startShiftNode(t, endpoint, "node-b", leading, t0.Add(time.Second))
	if s := b.ctrl.Status(); s.Step != 0 || !s.StepStarted.Equal(a.ctrl.Status().StepStarted) {
		t.Fatalf("node-b started its own shift: %+v; want node-a's stored one", s)
	}

	// Step 0 held for its interval: the leader advances and node-b routes with the new share.
	a.tick(t, t0.Add(time.Minute))
	if a.ctrl.Percent() != 50 {
		t.Fatalf("leader at %d%%; want 50", a.ctrl.Percent())
	}
	b.await(t, "the leader's step", func(s shift.Status) bool { return s.Step == 1 && s.Weights == [2]int{50, 50} })
	if b.ctrl.Percent() != 50 {
		t.Fatalf("follower routes %d%% to the new group; want 50", b.ctrl.Percent())
	}
	select {
	case got := <-leading:
		t.Fatalf("%s leads while node-a does", got)
	default:
	}

	// A command given on the follower reaches the leader, whose ticks then leave the step.
	if err := b.ctrl.Command(shift.CommandPause, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	a.await(t, "the follower's pause", func(s shift.Status) bool { return s.Status == shift.Paused })
	a.ctrl.New.Record(200, time.Millisecond)
	a.tick(t, t0.Add(3*time.Minute))
	if s := a.ctrl.Status(); s.Step != 1 || s.Status != shift.Paused {
		t.Fatalf("a paused shift moved on the leader: %+v", s)
	}
	if err := b.ctrl.Command(shift.CommandResume, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	a.await(t, "the follower's resume", func(s shift.Status) bool { return s.Status == shift.Running })

	// node-a stops leading; node-b takes over from the stored step 1 and advances to 100%.
	a.stopLead()
	select {
	case got := <-leading:
		if got != "node-b" {
			t.Fatalf("second leader %s; want node-b", got)
		}
	case <-time.After(time.Duration(2*leaseTTL) * time.Second):
		t.Fatal("node-b never took over")
	}
	b.ctrl.New.Record(200, time.Millisecond)
	b.tick(t, t0.Add(4*time.Minute))
	if s := b.ctrl.Status(); s.Step != 2 || s.Percent != 100 {
		t.Fatalf("the new leader: %+v; want step 2 (100%%) after the stored step 1", s)
	}
	a.await(t, "the new leader's step", func(s shift.Status) bool { return s.Step == 2 && s.Percent == 100 })
	if st, ok, err := a.store.Load(shiftRule); err != nil || !ok || st.Step != 2 {
		t.Fatalf("stored: %+v %v %v; want step 2", st, ok, err)
	}
}

// A save on a state another node changed meanwhile is refused, and the controller makes its
// command again on the stored state: neither node's change is lost. A node's copy serves while
// etcd is away.
func TestShiftStoreConflict(t *testing.T) {
	endpoint := startEtcd(t)
	t0 := time.Now()
	quiet := slog.New(slog.DiscardHandler)
	one, two := connect(t, endpoint, "one").ShiftStore(""), connect(t, endpoint, "two").ShiftStore("")
	a := shift.NewController(shiftRule, testShiftPlan, one, quiet, t0)
	b := shift.NewController(shiftRule, testShiftPlan, two, quiet, t0)
	if err := a.Command(shift.CommandAdvance, t0); err != nil {
		t.Fatal(err)
	}
	st, _, _ := one.Load(shiftRule)
	if err := two.Save(shiftRule, st); err != shift.ErrConflict {
		t.Fatalf("a save over a state changed since: %v; want ErrConflict", err)
	}
	// b has not seen the advance: its pause is made again on the stored step.
	if err := b.Command(shift.CommandPause, t0); err != nil {
		t.Fatal(err)
	}
	st, ok, err := one.Load(shiftRule)
	if err != nil || !ok || st.Step != 1 || st.Status != shift.Paused {
		t.Fatalf("stored %+v (%v, %v); want step 1 paused", st, ok, err)
	}
	if s := b.Status(); s.Step != 1 || s.Status != shift.Paused {
		t.Fatalf("node two holds %+v; want what it stored", s)
	}

	// A node keeps a copy of what it read and serves it while etcd does not answer (its client
	// closed here), so that a restart then routes with the cluster's share.
	copyDir := t.TempDir()
	cut := connect(t, endpoint, "cut")
	kept := cut.ShiftStore(copyDir)
	if _, ok, err := kept.Load(shiftRule); err != nil || !ok {
		t.Fatalf("Load: %v %v", ok, err)
	}
	_ = cut.cli.Close()
	restarted := shift.NewController(shiftRule, testShiftPlan, cut.ShiftStore(copyDir), quiet, t0.Add(time.Hour))
	if s := restarted.Status(); s.Step != 1 || s.Status != shift.Paused || restarted.Percent() != 50 {
		t.Fatalf("restarted while etcd is away: %+v; want the copy's step 1 paused", s)
	}
	// A change etcd did not take is not made on this node alone.
	if err := restarted.Command(shift.CommandAdvance, t0.Add(time.Hour)); !errors.Is(err, shift.ErrNotSaved) {
		t.Fatalf("advance while etcd is away: %v; want ErrNotSaved", err)
	}
	if s := restarted.Status(); s.Step != 1 || restarted.Percent() != 50 {
		t.Fatalf("after an advance etcd did not take: %+v; want step 1 still", s)
	}
}

// A node whose leadership ended without its knowing (its lease lapsed while it stalled, and
// another node may lead) has its tick's save refused, even when nobody saved the state since it
// read it: a stale leader must not move a shift.
func TestStaleLeaderTickRefused(t *testing.T) {
	endpoint := startEtcd(t)
	t0 := time.Now()
	c := connect(t, endpoint, "stale")
	store := c.ShiftStore("")
	ctrl := shift.NewController(shiftRule, testShiftPlan, store, slog.New(slog.DiscardHandler), t0)
	ctx, cancel := context.WithCancel(context.Background())
	leading := make(chan context.Context)
	var wg sync.WaitGroup
	wg.Go(func() {
		c.Lead(ctx, "shift", func(lctx context.Context) {
			leading <- lctx
			<-lctx.Done()
		})
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	lctx := <-leading

	// The leader key goes, as etcd removes it when the lease lapses; the session has not noticed.
	dctx, dcancel := context.WithTimeout(context.Background(), requestTimeout)
	defer dcancel()
	if _, err := c.cli.Delete(dctx, c.electionKey("shift")+"/", clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	ctrl.Tick(lctx, t0.Add(time.Hour)) // step 0's interval is over: it would advance
	if st, _, err := store.Load(shiftRule); err != nil || st.Step != 0 {
		t.Fatalf("stored step %d (%v) after a stale leader's tick; want 0", st.Step, err)
	}
	if s := ctrl.Status(); s.Step != 0 || ctrl.Percent() != 0 {
		t.Fatalf("the stale leader holds %+v; want the stored step 0", s)
	}
}
