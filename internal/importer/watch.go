package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounceDelay coalesces the several writes an editor makes when saving into one reload, as
// the Albatross YAML watcher does.
const debounceDelay = 100 * time.Millisecond

// Watcher watches the files a configuration was built from: the file given with --config, the
// files its variables read, the values file and code zips. The set changes with each load
// (Set); folders are watched for their files' sake, never recursively (function code folders
// have their own watcher).
type Watcher struct {
	fs *fsnotify.Watcher

	mu    sync.Mutex
	files map[string]bool
	dirs  map[string]bool
}

// NewWatcher starts watching paths; changes are queued until Run.
func NewWatcher(paths ...string) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config watch: %w", err)
	}
	w := &Watcher{fs: fw, files: map[string]bool{}, dirs: map[string]bool{}}
	if err := w.Set(paths...); err != nil {
		_ = fw.Close()
		return nil, err
	}
	return w, nil
}

// Set replaces the watched files with paths (plus what is already watched stays harmlessly
// watched until a later Set drops it).
func (w *Watcher) Set(paths ...string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	files := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("config watch: %w", err)
		}
		if st, err := os.Stat(abs); err == nil && st.IsDir() {
			continue
		}
		abs, dir := existingParent(abs)
		files[abs] = true
		if !w.dirs[dir] {
			if err := w.fs.Add(dir); err != nil {
				return fmt.Errorf("config watch %s: %w", dir, err)
			}
			w.dirs[dir] = true
		}
	}
	w.files = files
	return nil
}

// existingParent returns the folder to watch for a file: its own folder, or, when that does not
// exist (yet), the nearest folder above it that does, together with the first missing name
// under it, whose creation is the change to wait for (the next load then watches deeper).
func existingParent(abs string) (file, dir string) {
	file, dir = abs, filepath.Dir(abs)
	for {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return file, dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return file, dir
		}
		file, dir = dir, parent
	}
}

func (w *Watcher) watched(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.files[filepath.Clean(name)]
}

// Run calls onChange after each (debounced) change of a watched file until ctx ends, then
// releases the watch and returns nil.
func (w *Watcher) Run(ctx context.Context, onChange func()) error {
	defer w.fs.Close()
	timer := time.NewTimer(debounceDelay)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.fs.Events:
			if !ok {
				return nil
			}
			if w.watched(ev.Name) && !ev.Has(fsnotify.Chmod) {
				timer.Reset(debounceDelay)
			}
		case _, ok := <-w.fs.Errors:
			if !ok {
				return nil
			}
			timer.Reset(debounceDelay) // an overflow loses events: reload to be safe
		case <-timer.C:
			onChange()
		}
	}
}
