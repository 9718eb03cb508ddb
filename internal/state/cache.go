package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// cacheFile is the copy of a shared store's latest version that a node keeps in its data dir.
// It is not state.json: a node started later without --store must not take the cluster's state
// for its own.
const cacheFile = "cluster-cache.json"

// cached keeps a copy of every version of a shared backend that this node read or wrote, so that
// a node (re)started while the shared store cannot be reached serves the last state it had
// instead of none. The copy is never written back: the shared store stays the only truth, and
// the first version read from it replaces the copy.
type cached struct {
	Follower
	d   *disk
	log *slog.Logger
	// loaded is set after the first Load: only a starting node falls back on the copy. Later
	// Loads (after losing a race) want the store itself, or its error.
	loaded bool
	// keepMu orders the writes of the copy: a Save's and the watch's may come at once, and the
	// copy must end as the newest version (keptMod, its mod revision), never an older one.
	keepMu  sync.Mutex
	keptMod int64
}

// Cached returns b with a copy of its latest version kept in dir (created 0700: the state holds
// functions' environments).
func Cached(b Follower, dir string, log *slog.Logger) (Follower, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &cached{Follower: b, d: &disk{dir: dir, name: cacheFile}, log: log}, nil
}

// Load reads the shared store; when it cannot be reached as the node starts, the copy, at
// revision zero: the first
// change made on it loses the comparison and reads the store again, and Follow reads the store
// whole as soon as it answers.
func (c *cached) Load(ctx context.Context) (*Resources, Revision, error) {
	first := !c.loaded
	c.loaded = true
	r, rev, err := c.Follower.Load(ctx)
	if err == nil {
		c.keep(r, rev)
		return r, rev, nil
	}
	if !first || !errors.Is(err, ErrUnavailable) {
		return nil, Revision{}, err
	}
	if _, serr := os.Stat(filepath.Join(c.d.dir, cacheFile)); errors.Is(serr, fs.ErrNotExist) {
		return nil, Revision{}, err
	}
	copied, cerr := c.d.load()
	if cerr != nil {
		return nil, Revision{}, errors.Join(err, cerr)
	}
	c.log.Warn("shared state store unreachable: serving this node's last copy of the state until it answers", "error", err)
	return copied, Revision{}, nil
}

func (c *cached) Save(ctx context.Context, r *Resources, prev Revision) (Revision, error) {
	rev, err := c.Follower.Save(ctx, r, prev)
	if err == nil {
		c.keep(r, rev)
	}
	return rev, err
}

func (c *cached) Follow(ctx context.Context, from Revision, changed func(*Resources, Revision)) {
	c.Follower.Follow(ctx, from, func(r *Resources, rev Revision) {
		c.keep(r, rev)
		changed(r, rev)
	})
}

// keep writes the copy unless it holds this version or a newer one already; failing to is
// logged, never fatal: the shared store has the state.
func (c *cached) keep(r *Resources, rev Revision) {
	c.keepMu.Lock()
	defer c.keepMu.Unlock()
	if rev.Mod != 0 && rev.Mod <= c.keptMod {
		return
	}
	c.keptMod = rev.Mod
	if err := c.d.save(r); err != nil {
		c.log.Warn("cannot keep a copy of the shared state", "error", err)
	}
}
