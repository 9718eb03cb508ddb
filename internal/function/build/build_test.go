package build

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// newBuilder returns a Builder with a fresh cache whose toolchain output is captured.
func newBuilder(t *testing.T) (*Builder, *testkit.Buffer) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go toolchain not on PATH")
	}
	out := &testkit.Buffer{}
	return &Builder{CacheDir: t.TempDir(), Output: out}, out
}

// copyTree copies testdata/<name> to a temporary directory, so tests can edit sources without
// touching the checkout, and returns the copy.
func copyTree(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name)))
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mtime(t *testing.T, path string) time.Time {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// listTree returns the relative paths under dir, to prove a build wrote nothing there.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		names = append(names, strings.TrimPrefix(path, dir))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// A function inside a bigger module (code dir two levels below go.mod) is built once, served from
// the cache while nothing changes, and rebuilt when a local package it imports changes or a file
// is added to its main package.
func TestBuildCachesUntilSourcesChange(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	mod := copyTree(t, "lambdamod")
	code := filepath.Join(mod, "cmd", "hello")
	before := listTree(t, mod)
	ctx := t.Context()

	first, err := b.Build(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(first) != "bootstrap" || !strings.HasPrefix(first, b.CacheDir) {
		t.Fatalf("Build = %s, want a bootstrap inside %s", first, b.CacheDir)
	}
	built := mtime(t, first)

	again, err := b.Build(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || !mtime(t, again).Equal(built) || b.compiles.Load() != 1 {
		t.Fatalf("unchanged sources: got %s (compiles %d), want cache hit %s", again, b.compiles.Load(), first)
	}

	writeFile(t, filepath.Join(mod, "greet", "greet.go"), "package greet\n\n// Hello greets name.\nfunc Hello(name string) string { return \"hi, \" + name }\n")
	second, err := b.Build(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if second == first || b.compiles.Load() != 2 {
		t.Fatalf("after editing a local dependency: got %s (compiles %d), want a rebuild", second, b.compiles.Load())
	}

	writeFile(t, filepath.Join(code, "extra.go"), "package main\n\nvar _ = 1\n")
	third, err := b.Build(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if third == second || third == first || b.compiles.Load() != 3 {
		t.Fatalf("after adding a file: got %s (compiles %d), want a rebuild", third, b.compiles.Load())
	}
	// Only the current and the previous build are kept.
	if _, err := os.Stat(first); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("oldest build %s still cached (err %v)", first, err)
	}
	if _, err := os.Stat(second); err != nil {
		t.Errorf("previous build removed: %v", err)
	}

	after := listTree(t, mod)
	if len(after) != len(before)+1 { // + extra.go
		t.Errorf("build wrote into the code dir: before %v, after %v", before, after)
	}
}

// A code dir that is its own module builds too, and the result runs.
func TestBuildOwnModule(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	bin, err := b.Build(t.Context(), copyTree(t, "standalone"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || strings.TrimSpace(string(out)) != "42" {
		t.Fatalf("running %s: %q, %v; want 42", bin, out, err)
	}
}

// A compile error is streamed to Output and returned as a BuildError carrying the compiler's
// message with the file and line.
func TestBuildCompileError(t *testing.T) {
	t.Parallel()
	b, out := newBuilder(t)
	code := copyTree(t, "standalone")
	writeFile(t, filepath.Join(code, "answer.go"), "package main\n\nfunc answer() int {\n\treturn notDefined\n}\n")

	_, err := b.Build(t.Context(), code)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build error = %v, want *BuildError", err)
	}
	const want = "answer.go:4:9: undefined: notDefined"
	if !strings.Contains(be.Output, want) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not carry the compiler message %q", err, want)
	}
	if !strings.Contains(out.String(), want) {
		t.Errorf("Output %q does not show the compiler message %q", out.String(), want)
	}
}

// A directory that holds a library package is refused with a clear error, before compiling.
func TestBuildRejectsNonMainPackage(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	_, err := b.Build(t.Context(), filepath.Join(copyTree(t, "lambdamod"), "greet"))
	if err == nil || !strings.Contains(err.Error(), "not a main package") {
		t.Fatalf("Build error = %v, want 'not a main package'", err)
	}
	if b.compiles.Load() != 0 {
		t.Errorf("compiler ran %d times for a library package", b.compiles.Load())
	}
}

// Concurrent builds of the same function compile once and all get the same executable.
func TestBuildConcurrentCompilesOnce(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	code := copyTree(t, "standalone")
	const n = 3
	paths := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { paths[i], errs[i] = b.Build(t.Context(), code) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("build %d = %s, %v; want %s", i, paths[i], errs[i], paths[0])
		}
	}
	if got := b.compiles.Load(); got != 1 {
		t.Errorf("compiler ran %d times, want 1", got)
	}
}

// A cancelled context stops the build and says so.
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := b.Build(ctx, copyTree(t, "standalone")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Build error = %v, want context.Canceled", err)
	}
}
