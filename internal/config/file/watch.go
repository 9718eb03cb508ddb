package file

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DebounceDelay is how long Watch waits after the last change before it calls onChange: editors
// and deploy tools write a file in several steps (truncate, write, rename), and one reload
// should follow them all.
const DebounceDelay = 100 * time.Millisecond

// Watch calls onChange after the file at path changes: written, created, replaced by a rename
// (how most editors save) or removed. It watches the file's folder rather than the file, since a
// watch on the file itself is lost when the file is replaced. Bursts of events are coalesced
// into one call DebounceDelay after the last of them. onChange runs on Watch's goroutine, one
// call at a time. Watch blocks until ctx ends, then returns nil; it returns an error when the
// folder cannot be watched.
func Watch(ctx context.Context, path string, onChange func()) error {
	w, err := NewWatcher(path)
	if err != nil {
		return err
	}
	return w.Run(ctx, onChange)
}

// Watcher watches one configuration file. It exists so that the watch can be in place before
// the file is first read: no change between the read and the watch is missed.
type Watcher struct {
	abs string
	fs  *fsnotify.Watcher
}

// NewWatcher starts watching the folder of the file at path; changes are queued until Run.
func NewWatcher(path string) (*Watcher, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config watch: %w", err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config watch: %w", err)
	}
	if err := w.Add(filepath.Dir(abs)); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("config watch %s: %w", filepath.Dir(abs), err)
	}
	return &Watcher{abs: abs, fs: w}, nil
}

// Run calls onChange after each (debounced) change of the file, as Watch describes, until ctx
// ends; then it releases the watch and returns nil.
func (w *Watcher) Run(ctx context.Context, onChange func()) error {
	defer w.fs.Close()
	d := newDebouncer(DebounceDelay)
	defer d.stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.fs.Events:
			if !ok {
				return nil
			}
			if filepath.Clean(ev.Name) == w.abs && !ev.Has(fsnotify.Chmod) {
				d.poke()
			}
		case _, ok := <-w.fs.Errors:
			if !ok {
				return nil
			}
			// An overflow loses events; reload to be safe.
			d.poke()
		case <-d.fire():
			onChange()
		}
	}
}

// debouncer turns a burst of pokes into one tick, delay after the last poke. It is used by a
// single goroutine.
type debouncer struct {
	delay time.Duration
	timer *time.Timer
}

func newDebouncer(delay time.Duration) *debouncer {
	t := time.NewTimer(delay)
	t.Stop()
	return &debouncer{delay: delay, timer: t}
}

// poke (re)starts the delay.
func (d *debouncer) poke() { d.timer.Reset(d.delay) }

// fire is the channel that ticks once the delay has passed without a poke.
func (d *debouncer) fire() <-chan time.Time { return d.timer.C }

func (d *debouncer) stop() { d.timer.Stop() }
