package build

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestSourceDirs: the developer loop watches the main package's folder and the other packages
// of its module it imports, never the standard library or the module cache.
func TestSourceDirs(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	mod := copyTree(t, "lambdamod")
	dirs, err := b.SourceDirs(context.Background(), filepath.Join(mod, "cmd", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(mod, "cmd", "hello"), filepath.Join(mod, "greet")}
	slices.Sort(dirs)
	slices.Sort(want)
	if !slices.Equal(dirs, want) {
		t.Errorf("SourceDirs = %q, want %q", dirs, want)
	}
	// A build lists the same folders; SourceDirs then answers from it.
	other, _ := newBuilder(t)
	if _, err := other.Build(context.Background(), filepath.Join(mod, "cmd", "hello")); err != nil {
		t.Fatal(err)
	}
	other.mu.Lock()
	known := slices.Sorted(slices.Values(other.sources[filepath.Join(mod, "cmd", "hello")]))
	other.mu.Unlock()
	if !slices.Equal(known, want) {
		t.Errorf("after Build the known folders are %q, want %q", known, want)
	}
}
