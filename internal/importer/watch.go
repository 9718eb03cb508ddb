package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounceDelay coalesces the several writes an editor makes when saving into one reload, as
// the Albatross YAML watcher does.
const debounceDelay = 100 * time.Millisecond

// Watcher watches the files a configuration was built from: the file given with --config, the
// files its variables read, the values file and code zips. The set changes with each load
// (Set). A plain folder in the set is skipped (function code folders have their own watcher);
// "FOLDER/*" watches every file directly in a folder (a Terraform module: a new .tf file
// reloads) and "FOLDER/..." every file below it (the sources of a package Albatross copies
// from patterns or excludes, whose edits must rebuild it), leaving out dependency and tool
// folders (node_modules, .git, .serverless, .terraform, __pycache__) and watching at most
// maxTreeDirs folders of one tree.
type Watcher struct {
	fs *fsnotify.Watcher

	mu    sync.Mutex
	files map[string]bool
	dirs  map[string]bool
	// trees are the folders any of whose files counts as a change.
	trees map[string]bool
}

// maxTreeDirs bounds the folders watched for one folder in the set (inotify watches are a
// per-user resource); a larger tree is watched at its top folder only.
const maxTreeDirs = 256

// skippedTreeDirs are folders of dependencies and tools that no configuration is built from.
var skippedTreeDirs = map[string]bool{"node_modules": true, ".git": true, ".serverless": true, ".terraform": true, "__pycache__": true}

// Suffixes of the folder forms of a watched path.
const (
	FolderFiles = string(filepath.Separator) + "*"
	FolderTree  = string(filepath.Separator) + "..."
)

// NewWatcher starts watching paths; changes are queued until Run.
func NewWatcher(paths ...string) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config watch: %w", err)
	}
	w := &Watcher{fs: fw, files: map[string]bool{}, dirs: map[string]bool{}, trees: map[string]bool{}}
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
	files, trees := map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		var dirs []string
		switch {
		case strings.HasSuffix(p, FolderTree):
			dirs = treeDirs(absPath(strings.TrimSuffix(p, FolderTree)))
		case strings.HasSuffix(p, FolderFiles):
			dirs = []string{absPath(strings.TrimSuffix(p, FolderFiles))}
		}
		if dirs != nil {
			for _, d := range dirs {
				if st, err := os.Stat(d); err != nil || !st.IsDir() {
					continue
				}
				if !w.dirs[d] {
					if err := w.fs.Add(d); err != nil {
						return fmt.Errorf("config watch %s: %w", d, err)
					}
					w.dirs[d] = true
				}
				trees[d] = true
			}
			continue
		}
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
	w.files, w.trees = files, trees
	return nil
}

// treeDirs lists root and the folders below it to watch, root first.
func treeDirs(root string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != root && skippedTreeDirs[d.Name()] {
			return filepath.SkipDir
		}
		out = append(out, p)
		return nil
	})
	if len(out) > maxTreeDirs {
		return out[:1]
	}
	return out
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
	name = filepath.Clean(name)
	return w.files[name] || (w.trees[filepath.Dir(name)] && !skippedTreeDirs[filepath.Base(name)])
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
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
