// Package watch tells a function that its source code changed: it watches directory trees with
// fsnotify and reports a burst of changes once, after a quiet period.
package watch

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long a Tree waits after the last change before it reports: an editor
// saves in several steps (write a temporary file, rename it over the original, touch a backup),
// and a formatter on save writes once more; one reload should follow them all.
const DefaultDebounce = 100 * time.Millisecond

// skippedDirs are never watched: version control, dependency trees too large to watch (a
// dependency change comes with an edit of package.json or requirements.txt, or a restart), and
// caches the runtimes write themselves (Python's __pycache__ would otherwise reload the function
// after each of its own starts).
var skippedDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, "__pycache__": true,
	".venv": true, ".idea": true, ".vscode": true, ".pytest_cache": true, ".mypy_cache": true,
}

// Tree watches directories and their subdirectories, including ones created later. It is safe
// for concurrent use; Run is called once.
type Tree struct {
	fs *fsnotify.Watcher

	mu    sync.Mutex
	roots map[string]bool
}

// New returns a Tree watching dirs recursively. A directory that does not exist is an error.
func New(dirs []string) (*Tree, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	t := &Tree{fs: w, roots: map[string]bool{}}
	if err := t.Watch(dirs); err != nil {
		_ = w.Close()
		return nil, err
	}
	return t, nil
}

// Watch adds dirs (recursively) to the watched set; dirs already watched are left as they are.
// A Go function's dependency directories grow this way after each successful build.
func (t *Tree) Watch(dirs []string) error {
	var errs []error
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.mu.Lock()
		seen := t.roots[abs]
		t.roots[abs] = true
		t.mu.Unlock()
		if !seen {
			errs = append(errs, t.addTree(abs))
		}
	}
	return errors.Join(errs...)
}

// addTree watches dir and every directory below it that is not skipped.
func (t *Tree) addTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // vanished or unreadable below the root: not ours to report
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && skippedDirs[d.Name()] {
			return filepath.SkipDir
		}
		return t.fs.Add(path)
	})
}

// Run calls onChange once per burst of changes, delay after the last of them, until ctx ends;
// then it releases the watches and returns. onChange runs on Run's goroutine, one call at a
// time; changes during a call are reported by the next one. A zero delay means
// DefaultDebounce.
func (t *Tree) Run(ctx context.Context, delay time.Duration, onChange func()) {
	defer t.fs.Close()
	if delay <= 0 {
		delay = DefaultDebounce
	}
	timer := time.NewTimer(delay)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-t.fs.Events:
			if !ok {
				return
			}
			if t.relevant(ev) {
				timer.Reset(delay)
			}
		case _, ok := <-t.fs.Errors:
			if !ok {
				return
			}
			timer.Reset(delay) // an overflow loses events: reload to be safe
		case <-timer.C:
			onChange()
		}
	}
}

// relevant reports whether ev may change what the function runs. A new directory is watched
// at once (an editor or generator creating a package), and counts as a change itself.
func (t *Tree) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false // touch, chmod, and the atime updates some systems report
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if skippedDirs[filepath.Base(ev.Name)] {
				return false
			}
			_ = t.addTree(ev.Name)
			return true
		}
	}
	return !editorScratch(filepath.Base(ev.Name))
}

// editorScratch reports files editors write beside the one being saved and that no runtime
// reads: vim's swap files and its 4913 write test, Emacs lock and auto-save files, backups
// ending in ~, and JetBrains' safe-write temporaries. The rename that completes a save names
// the real file, so the save itself is still seen.
func editorScratch(name string) bool {
	switch {
	case name == "4913",
		strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasPrefix(name, ".#"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}
