package state

import (
	"context"
	"errors"
	"fmt"
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
	apply ApplyFunc
	disk  *disk // nil: in memory only
	now   func() time.Time

	mu       sync.Mutex // serialises changes
	file     *config.Config
	fileTime time.Time
	api      *Resources
	// snap is read without the lock, so that describing never waits for a change being applied
	// (which may build and start functions).
	snap atomic.Pointer[Snapshot]
}

// Options configure a Store.
type Options struct {
	// Dir is where API-made resources persist (state.json). Empty means memory only.
	Dir string
	// Apply is called with every new configuration. nil means no data plane (tests).
	Apply ApplyFunc
	// Now is the clock for creation times. nil means time.Now.
	Now func() time.Time
}

// Open returns a store holding the API resources persisted in opts.Dir (none when it is new).
// Nothing is applied until SetFile.
func Open(opts Options) (*Store, error) {
	s := &Store{apply: opts.Apply, now: opts.Now, api: &Resources{}}
	if s.apply == nil {
		s.apply = func(context.Context, *config.Config) error { return nil }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.Dir != "" {
		d, api, err := openDisk(opts.Dir)
		if err != nil {
			return nil, err
		}
		s.disk, s.api = d, api
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
	api := s.api
	pruned := clone(s.api)
	if pruneRegistrations(file, pruned) {
		api = pruned
	}
	merged := merge(file, api)
	if err := s.validateAndApply(ctx, merged); err != nil {
		return err
	}
	if api != s.api && s.disk != nil {
		if err := s.disk.save(api); err != nil {
			// Put the data plane back to what it served.
			if rerr := s.apply(ctx, merge(s.file, s.api)); rerr != nil {
				err = errors.Join(err, fmt.Errorf("restoring the previous configuration: %w", rerr))
			}
			return err
		}
	}
	s.file, s.fileTime, s.api = clone(file), loaded, api
	s.snap.Store(newSnapshot(s.file, loaded, s.api, merged))
	return nil
}

// Snapshot returns the current state without blocking. It is immutable: callers must not change
// it.
func (s *Store) Snapshot() *Snapshot { return s.snap.Load() }

// Update runs change on a copy of the API resources and, if it succeeds, validates the merged
// configuration, applies it and persists the new resources, in that order. change gets the
// current snapshot to read file resources from. Any error (change's own, *InvalidError,
// *ApplyError or a persistence error) leaves everything as it was.
func (s *Store) Update(ctx context.Context, change func(snap *Snapshot, api *Resources) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := clone(s.api)
	if err := change(s.snap.Load(), next); err != nil {
		return err
	}
	merged := merge(s.file, next)
	if err := s.validateAndApply(ctx, merged); err != nil {
		return err
	}
	if s.disk != nil {
		if err := s.disk.save(next); err != nil {
			// Put the data plane back to what is on disk.
			if rerr := s.apply(ctx, merge(s.file, s.api)); rerr != nil {
				err = errors.Join(err, fmt.Errorf("restoring the previous configuration: %w", rerr))
			}
			return err
		}
	}
	s.api = next
	s.snap.Store(newSnapshot(s.file, s.fileTime, s.api, merged))
	return nil
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
