package reconcile

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/shift"
)

// followedStore is a shift store shared with another node: the test saves through its
// MemoryStore as that node and tells of the save on notify, as cluster.ShiftStore's watch does.
type followedStore struct {
	shift.MemoryStore
	notify chan string
}

func (f *followedStore) Follow(ctx context.Context, changed func(rule string)) {
	for {
		select {
		case <-ctx.Done():
			return
		case rule := <-f.notify:
			changed(rule)
		}
	}
}

// grantedElector makes this node the leader when the test closes grant.
type grantedElector struct{ grant chan struct{} }

func (g grantedElector) Lead(ctx context.Context, _ string, run func(context.Context)) {
	select {
	case <-ctx.Done():
		return
	case <-g.grant:
	}
	run(ctx)
	<-ctx.Done()
}

// In a cluster a node routes with the shift state another node saved while that node leads,
// and when it becomes the leader it goes on from the stored state, not from what it held.
func TestShiftFollowsTheLeader(t *testing.T) {
	store := &followedStore{notify: make(chan string)}
	elector := grantedElector{grant: make(chan struct{})}
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second,
		ShiftStore: store, ShiftLeader: elector, ShiftTick: 10 * time.Millisecond})
	ctx := context.Background()
	defer func() { _ = dp.Close(ctx) }()
	if err := dp.Apply(ctx, shiftConfig(1, 2)); err != nil {
		t.Fatal(err)
	}
	statuses := dp.ShiftStatuses()
	if len(statuses) != 1 {
		t.Fatalf("shifts: %+v", statuses)
	}
	rule := statuses[0].Rule
	await := func(what string, ok func(shift.Status) bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for s := dp.ShiftStatuses()[0]; !ok(s); s = dp.ShiftStatuses()[0] {
			if time.Now().After(deadline) {
				t.Fatalf("never %s: %+v", what, s)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// The leader elsewhere moved to 50% and paused: this node routes 50/50 too.
	long := time.Now().Add(-2 * time.Hour)
	paused := shift.State{Key: "monolith>fn", Step: 2, LastGood: 1, Status: shift.Paused, StepStarted: long, AtLeast: -1, Desired: "running"}
	_ = store.Save(rule, paused)
	store.notify <- rule
	await("followed the leader's 50%", func(s shift.Status) bool { return s.Weights == [2]int{50, 50} && s.Status == shift.Paused })

	// The leader's last save (a resume at step 0 begun two hours ago) never reached this node
	// before it died. This node, leading now, reads it and ticks: step 0 is over, on to 25%.
	resumed := paused
	resumed.Step, resumed.LastGood, resumed.Status = 0, 0, shift.Running
	_ = store.Save(rule, resumed)
	close(elector.grant)
	await("went on from the stored step", func(s shift.Status) bool { return s.Step == 1 && s.Weights == [2]int{75, 25} })
	if st, _, _ := store.Load(rule); st.Step != 1 || st.Status != shift.Running {
		t.Fatalf("stored: %+v; want step 1 running, saved by the new leader", st)
	}
}
