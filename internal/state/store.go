package state

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// ApplyFunc makes a validated configuration the one served; it is reconcile.DataPlane.Apply. It
// must be all or nothing: on error the previous configuration keeps serving.
type ApplyFunc func(ctx context.Context, cfg *config.Config) error

// ApplyError is returned when a valid configuration could not take effect (a port cannot be
// bound, a function does not start). Nothing changed.
type ApplyError struct{ Err error }

// Error returns the data plane's reason.
func (e *ApplyError) Error() string { return e.Err.Error() }

// Unwrap returns the data plane's error.
func (e *ApplyError) Unwrap() error { return e.Err }

// Store holds the desired state. Changes are serialised: each one is validated, applied and
// persisted before the next begins. Store is safe for concurrent use.
type Store struct {
	apply   ApplyFunc
	backend Backend // nil: in memory only
	now     func() time.Time
	log     *slog.Logger
	// localize prepares resources read from a shared backend for this node (see Options).
	localize func(context.Context, *Resources) error

	mu       sync.Mutex // serialises changes
	file     *config.Config
	fileTime time.Time
	api      *Resources
	rev      Revision // of api in the backend
	// snap is read without the lock, so that describing never waits for a change being applied
	// (which may build and start functions).
	snap atomic.Pointer[Snapshot]
}

// Options configure a Store.
type Options struct {
	// Dir is where API-made resources persist (state.json). Empty means memory only, unless
	// Backend is set.
	Dir string
	// Backend, when set, keeps the API-made resources instead of Dir: a store shared with other
	// nodes (package cluster). A Follower's changes are applied by Follow.
	Backend Backend
	// Apply is called with every new configuration. nil means no data plane (tests).
	Apply ApplyFunc
	// Now is the clock for creation times. nil means time.Now.
	Now func() time.Time
	// Localize, when set, prepares the resources read from a shared Backend for this node
	// before they are applied: another node's function code folder becomes this node's own
	// (fetched from the cluster). An error leaves the version unapplied.
	Localize func(ctx context.Context, api *Resources) error
	// Logger receives what cannot be returned to a caller: a shared change this node could not
	// apply. nil means slog.Default().
	Logger *slog.Logger
}

// maxAttempts bounds how often a change is made again after losing a race with another node.
const maxAttempts = 8

// Open returns a store holding the API resources persisted in opts.Dir or opts.Backend (none
// when it is new). Nothing is applied until SetFile.
func Open(opts Options) (*Store, error) {
	s := &Store{apply: opts.Apply, now: opts.Now, api: &Resources{}, backend: opts.Backend, log: opts.Logger, localize: opts.Localize}
	if s.localize == nil {
		s.localize = func(context.Context, *Resources) error { return nil }
	}
	if s.apply == nil {
		s.apply = func(context.Context, *config.Config) error { return nil }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	switch {
	case s.backend != nil && opts.Dir != "":
		return nil, errors.New("state: Dir and Backend are exclusive")
	case opts.Dir != "":
		d, api, err := openDisk(opts.Dir)
		if err != nil {
			return nil, err
		}
		s.backend, s.api = diskBackend{d}, api
	case s.backend != nil:
		api, rev, err := s.backend.Load(context.Background())
		if err != nil {
			return nil, err
		}
		if err := s.localize(context.Background(), api); err != nil {
			return nil, err
		}
		s.api, s.rev = api, rev
	}
	s.snap.Store(newSnapshot(nil, time.Time{}, s.api, merge(nil, s.api)))
	return s, nil
}

// SetFile replaces the configuration file's part of the state (at start and on every reload)
// and applies the merged configuration. Registrations of targets on file groups that the new file
// no longer has (or has with another target type) are dropped and the state saved. On error
// nothing changes.
func (s *Store) SetFile(ctx context.Context, file *config.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	loaded := s.now()
	for attempt := 1; ; attempt++ {
		api := s.api
		pruned := clone(s.api)
		if pruneRegistrations(file, pruned) {
			api = pruned
		}
		merged := merge(file, api)
		if err := s.validateAndApply(ctx, merged); err != nil {
			return err
		}
		rev := s.rev
		if api != s.api && s.backend != nil {
			var err error
			if rev, err = s.backend.Save(ctx, api, s.rev); err != nil {
				if retry := s.recoverLocked(ctx, err, attempt); retry != nil {
					return retry
				}
				continue
			}
		}
		s.file, s.fileTime, s.api, s.rev = clone(file), loaded, api, rev
		s.snap.Store(newSnapshot(s.file, loaded, s.api, merged))
		return nil
	}
}

// Snapshot returns the current state without blocking. It is immutable: callers must not change
// it.
func (s *Store) Snapshot() *Snapshot { return s.snap.Load() }

// Update runs change on a copy of the API resources and, if it succeeds, validates the merged
// configuration, applies it and persists the new resources, in that order. change gets the
// current snapshot to read file resources from. Any error (change's own, *InvalidError,
// *ApplyError or a persistence error) leaves everything as it was. When another node changed the
// shared resources first, change runs again on theirs, so that neither change is lost: change
// must therefore only read the snapshot and write api.
func (s *Store) Update(ctx context.Context, change func(snap *Snapshot, api *Resources) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for attempt := 1; ; attempt++ {
		next := clone(s.api)
		if err := change(s.snap.Load(), next); err != nil {
			return err
		}
		merged := merge(s.file, next)
		if err := s.validateAndApply(ctx, merged); err != nil {
			return err
		}
		rev := s.rev
		if s.backend != nil {
			var err error
			if rev, err = s.backend.Save(ctx, next, s.rev); err != nil {
				if retry := s.recoverLocked(ctx, err, attempt); retry != nil {
					return retry
				}
				continue
			}
		}
		s.api, s.rev = next, rev
		s.snap.Store(newSnapshot(s.file, s.fileTime, s.api, merged))
		return nil
	}
}

// recoverLocked puts the data plane back to the stored state after saving failed with err. It
// returns nil when the change should be made again (another node saved first: the store has now
// caught up with it), else the error to return.
func (s *Store) recoverLocked(ctx context.Context, err error, attempt int) error {
	if rerr := s.apply(ctx, merge(s.file, s.api)); rerr != nil {
		err = errors.Join(err, fmt.Errorf("restoring the previous configuration: %w", rerr))
		return err
	}
	if !errors.Is(err, ErrConflict) {
		return err
	}
	if attempt >= maxAttempts {
		return fmt.Errorf("%w: %d attempts lost to other nodes' changes", ErrUnavailable, attempt)
	}
	api, rev, lerr := s.backend.Load(ctx)
	if lerr == nil {
		lerr = s.localize(ctx, api)
	}
	if lerr != nil {
		return lerr
	}
	s.adoptLocked(ctx, api, rev)
	return nil
}

// Follow applies the changes other nodes make to a shared backend, until ctx ends. It does
// nothing for a backend of this node alone.
func (s *Store) Follow(ctx context.Context) {
	f, ok := s.backend.(Follower)
	if !ok {
		return
	}
	s.mu.Lock()
	from := s.rev
	s.mu.Unlock()
	f.Follow(ctx, from, func(api *Resources, rev Revision) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if rev.Seen <= s.rev.Seen {
			return // this node's own change, or one it already has
		}
		if err := s.localize(ctx, api); err != nil {
			// The next change made here loses the race for the revision, reads the state again
			// and localizes it again.
			s.log.Error("shared state not applied on this node", "revision", rev.Mod, "error", err)
			return
		}
		s.adoptLocked(ctx, api, rev)
	})
}

// adoptLocked makes api, saved by another node, this node's state. A configuration this node
// cannot serve (a port busy here) is logged and the previous one keeps serving; the state still
// moves on, so that the next change is made on top of what is stored.
func (s *Store) adoptLocked(ctx context.Context, api *Resources, rev Revision) {
	merged := merge(s.file, api)
	if err := s.validateAndApply(ctx, merged); err != nil {
		s.log.Error("shared state not applied on this node; the previous configuration keeps serving", "revision", rev.Mod, "error", err)
	}
	s.api, s.rev = api, rev
	s.snap.Store(newSnapshot(s.file, s.fileTime, s.api, merged))
}

// Now returns the store's clock reading, for creation times.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) validateAndApply(ctx context.Context, cfg *config.Config) error {
	if err := cfg.Validate(); err != nil {
		var ps config.Problems
		if errors.As(err, &ps) {
			return &InvalidError{Problems: ps, merged: cfg}
		}
		return err
	}
	if err := s.apply(ctx, cfg); err != nil {
		return &ApplyError{Err: err}
	}
	return nil
}
