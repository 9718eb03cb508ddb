package build

import (
	"os"
	"path/filepath"
	"sort"
)

// keepBuilds is how many builds of one function stay in the cache: the current one and the one
// before it. A process already running a removed executable is unaffected (the inode lives on),
// and keeping the previous build covers an older configuration revision that starts another
// environment while it drains after a reload.
const keepBuilds = 2

// prune removes all but the newest builds of one function. entries holds one folder per cache
// key; current is never removed.
func prune(entries, current string) error {
	dirs, err := os.ReadDir(entries)
	if err != nil {
		return err
	}
	type build struct {
		name string
		mod  int64
	}
	var others []build
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == current {
			continue
		}
		info, err := d.Info()
		if err != nil {
			continue // removed by a concurrent prune
		}
		others = append(others, build{d.Name(), info.ModTime().UnixNano()})
	}
	sort.Slice(others, func(i, j int) bool { return others[i].mod > others[j].mod })
	var firstErr error
	for i, o := range others {
		if i < keepBuilds-1 {
			continue
		}
		if err := os.RemoveAll(filepath.Join(entries, o.name)); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}
