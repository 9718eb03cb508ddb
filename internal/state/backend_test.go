package state

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// sharedBackend is an in-memory store shared by several Stores, like etcd: one document and a
// revision compared on every save.
type sharedBackend struct {
	mu   sync.Mutex
	data []byte
	rev  int64
	down bool
	// beforeSave runs once, just before the next save compares revisions: a race with another
	// node, made to happen.
	beforeSave func()
}

func (b *sharedBackend) Load(context.Context) (*Resources, Revision, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return nil, Revision{}, ErrUnavailable
	}
	if b.data == nil {
		return &Resources{}, Revision{Seen: b.rev}, nil
	}
	r, err := DecodeResources(b.data)
	return r, Revision{Mod: b.rev, Seen: b.rev}, err
}

func (b *sharedBackend) Save(_ context.Context, r *Resources, prev Revision) (Revision, error) {
	if f := b.beforeSave; f != nil {
		b.beforeSave = nil
		f()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return Revision{}, ErrUnavailable
	}
	if prev.Mod != b.rev {
		return Revision{}, ErrConflict
	}
	data, err := EncodeResources(r)
	if err != nil {
		return Revision{}, err
	}
	b.data, b.rev = data, b.rev+1
	return Revision{Mod: b.rev, Seen: b.rev}, nil
}

// TestUpdateLosingARaceMakesTheChangeAgain: when another node saved since this one read the
// state, the change is made again on top of theirs, and both are kept.
func TestUpdateLosingARaceMakesTheChangeAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shared := &sharedBackend{}
	rec := &recorder{}
	one, err := Open(Options{Backend: shared, Apply: rec.apply, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	two, err := Open(Options{Backend: shared, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	shared.beforeSave = func() {
		if err := two.Update(ctx, addTG("from-two")); err != nil {
			t.Error(err)
		}
	}
	if err := one.Update(ctx, addTG("from-one")); err != nil {
		t.Fatal(err)
	}
	stored, _, err := shared.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"from-one", "from-two"} {
		if stored.TargetGroupByName(name) == nil {
			t.Errorf("%s was lost: the stored state has %+v", name, stored.TargetGroups)
		}
		if one.Snapshot().TargetGroupByName(name) == nil {
			t.Errorf("node one's snapshot lacks %s", name)
		}
		if !served(rec.last(), name) {
			t.Errorf("node one's data plane was not given %s", name)
		}
	}
}

// TestUpdateWithTheStoreDownChangesNothing: an unreachable store refuses the change with
// ErrUnavailable, and the data plane is put back to the stored state.
func TestUpdateWithTheStoreDownChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shared := &sharedBackend{}
	rec := &recorder{}
	s, err := Open(Options{Backend: shared, Apply: rec.apply, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	shared.down = true
	if err := s.Update(ctx, addTG("lost")); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Update with the store down: %v; want ErrUnavailable", err)
	}
	if s.Snapshot().TargetGroupByName("lost") != nil || served(rec.last(), "lost") {
		t.Error("a change the store never got is served")
	}
}

// followed is a Follower whose versions the test hands over one at a time.
type followed struct {
	*sharedBackend
	versions  chan version
	delivered chan struct{}
}

type version struct {
	r   *Resources
	rev Revision
}

func (f *followed) Follow(ctx context.Context, _ Revision, changed func(*Resources, Revision)) {
	for {
		select {
		case <-ctx.Done():
			return
		case v := <-f.versions:
			changed(v.r, v.rev)
			f.delivered <- struct{}{}
		}
	}
}

// TestFollowAppliesOtherNodesChangesInOrder: a version saved by another node is applied; an older
// one arriving late, and this node's own, are not applied again.
func TestFollowAppliesOtherNodesChangesInOrder(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	f := &followed{sharedBackend: &sharedBackend{}, versions: make(chan version), delivered: make(chan struct{})}
	rec := &recorder{}
	s, err := Open(Options{Backend: f, Apply: rec.apply, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetFile(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, addTG("own")); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); s.Follow(ctx) }()
	defer func() { cancel(); <-done }()
	deliver := func(r *Resources, rev Revision) {
		f.versions <- version{r, rev}
		<-f.delivered
	}
	applied := len(rec.applied)
	own := s.Snapshot()
	deliver(&Resources{}, Revision{Mod: 1, Seen: 1}) // this node's own save coming back
	if len(rec.applied) != applied || s.Snapshot() != own {
		t.Error("this node's own change was applied again")
	}
	newer := &Resources{TargetGroups: []TargetGroup{{Source: SourceAPI, Spec: config.TargetGroup{Name: "newer", Port: 80}}}}
	deliver(newer, Revision{Mod: 5, Seen: 5})
	if s.Snapshot().TargetGroupByName("newer") == nil || !served(rec.last(), "newer") {
		t.Fatal("another node's change is not served")
	}
	applied = len(rec.applied)
	older := &Resources{TargetGroups: []TargetGroup{{Source: SourceAPI, Spec: config.TargetGroup{Name: "older", Port: 80}}}}
	deliver(older, Revision{Mod: 4, Seen: 4})
	if len(rec.applied) != applied || s.Snapshot().TargetGroupByName("older") != nil {
		t.Error("an older version replaced a newer one")
	}
}

// served reports whether cfg has the target group called name.
func served(cfg *config.Config, name string) bool {
	_, ok := cfg.LookupTargetGroup(name)
	return ok
}
