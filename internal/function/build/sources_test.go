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
}
