package state

import (
	"context"
	"errors"
	"testing"
)

// TestCachedServesTheLastCopyOnlyAtStart: a node starting while the shared store is away gets
// the copy it kept (at revision zero, so that its first change reads the store again); once
// started, an unreachable store is an error again, never the copy.
func TestCachedServesTheLastCopyOnlyAtStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	shared := &sharedBackend{}
	f := &followed{sharedBackend: shared}
	c, err := Cached(f, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Load(ctx); err != nil {
		t.Fatal(err)
	}
	kept := &Resources{TargetGroups: []TargetGroup{{Source: SourceAPI, Spec: fileConfig().TargetGroups[0]}}}
	if _, err := c.Save(ctx, kept, Revision{}); err != nil {
		t.Fatal(err)
	}
	shared.down = true
	if _, _, err := c.Load(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a later Load with the store away: %v; want ErrUnavailable", err)
	}
	// A node restarted with the same data dir.
	again, err := Cached(f, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, rev, err := again.Load(ctx)
	if err != nil || r.TargetGroupByName("file-tg") == nil || rev != (Revision{}) {
		t.Fatalf("Load at start with the store away: %+v at %+v, %v; want the kept copy at revision zero", r, rev, err)
	}
	// A node that never had a copy cannot start without the store.
	if _, _, err := mustCached(t, f, t.TempDir()).Load(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Load at start without a copy: %v; want ErrUnavailable", err)
	}
}

func mustCached(t *testing.T, f Follower, dir string) Follower {
	t.Helper()
	c, err := Cached(f, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The copy ends as the newest version kept, whatever order a node's own save and the watch
// deliver versions in: a restart must not serve an older state than the node had.
func TestCachedKeepsTheNewestVersion(t *testing.T) {
	t.Parallel()
	c := mustCached(t, &followed{sharedBackend: &sharedBackend{}}, t.TempDir()).(*cached)
	newer := &Resources{TargetGroups: []TargetGroup{{Source: SourceAPI, Spec: fileConfig().TargetGroups[0]}}}
	c.keep(newer, Revision{Mod: 6, Seen: 6})
	c.keep(&Resources{}, Revision{Mod: 5, Seen: 5}) // a save answered after the watch delivered 6
	got, err := c.d.load()
	if err != nil || got.TargetGroupByName("file-tg") == nil {
		t.Fatalf("copy %+v (%v); want revision 6's", got, err)
	}
}
