// Package build turns a function's Go source into the executable `bootstrap` a provided.al2023
// runtime runs (contract: functions[].build: go). Builds are cached by a hash of everything that
// affects the binary, so a restart or reload with unchanged sources does not run the compiler.
package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// buildFlags are the flags of every build. They also go to `go list`, so that the file set we hash
// is the file set the compiler sees:
//   - -trimpath: the binary does not depend on where the sources live on this machine;
//   - -tags=lambda.norpc: what AWS documents for Go on provided.al2023; it drops aws-lambda-go's
//     legacy net/rpc mode (B.4: it must never be selected here);
//   - -buildvcs=false: the binary does not depend on the state of an enclosing git checkout.
var buildFlags = []string{"-trimpath", "-tags=lambda.norpc", "-buildvcs=false"}

// maxErrorOutput bounds the compiler output kept in a BuildError; go build stops after about ten
// errors per package, so this is only reached by pathological builds.
const maxErrorOutput = 64 << 10

// Builder builds Go functions into cached `bootstrap` executables. A Builder is safe for
// concurrent use; it must not be copied after first use.
type Builder struct {
	// CacheDir holds the built executables, one directory per function and cache key. Required.
	// Nothing is ever written into the function's code directory.
	CacheDir string
	// Output receives the toolchain's output (compiler errors) while it runs, so the user sees it
	// as it happens. Nil discards it; it is kept in the returned BuildError either way.
	Output io.Writer
	// Logger records cache hits and builds. Nil means no logging.
	Logger *slog.Logger

	mu      sync.Mutex
	locks   map[string]*sync.Mutex // by cache key: one compile per key at a time
	sources map[string][]string    // by code folder: SourceDirs as of the latest listing

	compiles atomic.Int64 // how many times the compiler ran; read by tests
}

// BuildError is a failed `go list` or `go build`: the sources do not compile, a dependency is
// missing, or the directory is not a main package. Output is what the toolchain printed.
type BuildError struct {
	// Dir is the function's code directory.
	Dir string
	// Output is the toolchain's output, the compiler's messages included (at most 64 KiB).
	Output string
	// Err is the underlying failure, usually an *exec.ExitError.
	Err error
}

// Error reports the directory, the failure and the toolchain's output.
func (e *BuildError) Error() string {
	if e.Output == "" {
		return fmt.Sprintf("build %s: %v", e.Dir, e.Err)
	}
	return fmt.Sprintf("build %s: %v\n%s", e.Dir, e.Err, e.Output)
}

// Unwrap returns the underlying failure.
func (e *BuildError) Unwrap() error { return e.Err }

// Build builds the Go main package in codeDir (its own module, or a package inside an enclosing
// module) and returns the path of the executable, which is named `bootstrap`. When the inputs
// are unchanged since an earlier build the cached executable is returned without compiling;
// finding that out still runs `go env` and `go list` (see docs/runtimes.md). Build blocks until
// the build ends or ctx is done; concurrent Builds of the same sources compile once.
func (b *Builder) Build(ctx context.Context, codeDir string) (string, error) {
	if b.CacheDir == "" {
		return "", errors.New("build: Builder.CacheDir is not set")
	}
	dir, err := filepath.Abs(codeDir)
	if err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build %s: `build: go` needs the Go toolchain on PATH: %w", dir, err)
	}
	key, err := b.cacheKey(ctx, goTool, dir)
	if err != nil {
		return "", err
	}
	entries := filepath.Join(b.CacheDir, "go", functionID(dir))
	bin := filepath.Join(entries, key, "bootstrap")

	lock := b.lockFor(key)
	lock.Lock()
	defer lock.Unlock()
	if isExecutable(bin) {
		b.logger().Debug("go build cache hit", "dir", dir, "bootstrap", bin)
		// Mark the entry as recently used so prune keeps it (a reverted edit is a cache hit).
		now := time.Now()
		_ = os.Chtimes(filepath.Dir(bin), now, now)
		return bin, nil
	}
	b.logger().Info("building Go function", "dir", dir, "bootstrap", bin)
	if err := b.compile(ctx, goTool, dir, bin); err != nil {
		return "", err
	}
	if err := prune(entries, key); err != nil {
		b.logger().Warn("pruning old builds failed", "dir", entries, "err", err)
	}
	return bin, nil
}

// compile runs go build into a temporary name beside bin and renames it into place, so that a
// reader never sees a half-written executable and concurrent builders in other processes do not
// corrupt each other (the last rename wins with identical content).
func (b *Builder) compile(ctx context.Context, goTool, dir, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(bin), ".bootstrap-*")
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName) // no-op after the rename

	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", tmpName, ".")
	b.compiles.Add(1)
	if _, err := b.run(ctx, goTool, dir, args, true); err != nil {
		return err
	}
	if err := os.Chmod(tmpName, 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if err := os.Rename(tmpName, bin); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}

// lockFor returns the mutex of one cache key. Keys are never removed: one small entry per
// distinct source state seen by this process.
func (b *Builder) lockFor(key string) *sync.Mutex {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.locks == nil {
		b.locks = make(map[string]*sync.Mutex)
	}
	l, ok := b.locks[key]
	if !ok {
		l = new(sync.Mutex)
		b.locks[key] = l
	}
	return l
}

func (b *Builder) logger() *slog.Logger {
	if b.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Logger
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
