package build

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// buildEnv is the environment of every go command: the user's (GOFLAGS, GOPROXY, GOPRIVATE ...
// keep working) with cgo off, so the binary has no libc dependency, and the target forced to the
// machine Albatross runs on: a GOOS/GOARCH left in the environment for cross-compiling must not
// produce a bootstrap this machine cannot execute. Later entries win in os/exec.
func buildEnv() []string {
	return append(os.Environ(),
		"CGO_ENABLED=0",
		"GOOS="+runtime.GOOS,
		"GOARCH="+runtime.GOARCH,
	)
}

// run runs one go command in dir. Its standard error, and its standard output when showStdout is
// set, are streamed to b.Output and kept (bounded) for the BuildError; otherwise standard output
// is returned.
func (b *Builder) run(ctx context.Context, goTool, dir string, args []string, showStdout bool) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = dir
	cmd.Env = buildEnv()
	cmd.WaitDelay = 5 * time.Second // grandchildren holding our pipes must not hang Build

	out := b.Output
	if out == nil {
		out = io.Discard
	}
	kept := &headBuffer{max: maxErrorOutput}
	shown := &lockedWriter{w: io.MultiWriter(out, kept)}
	var stdout bytes.Buffer
	cmd.Stderr = shown
	cmd.Stdout = &stdout
	if showStdout {
		cmd.Stdout = shown
	}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return nil, &BuildError{
			Dir:    dir,
			Output: strings.TrimRight(kept.String(), "\n"),
			Err:    fmt.Errorf("go %s: %w", args[0], err),
		}
	}
	return stdout.Bytes(), nil
}

// lockedWriter serialises writes from the command's stdout and stderr copiers, which os/exec
// runs in separate goroutines when they are different writers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// headBuffer keeps the first max bytes written and counts the rest, so a runaway build cannot
// grow the error without bound while the first (most useful) compiler messages survive.
type headBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int
}

func (t *headBuffer) Write(p []byte) (int, error) {
	room := t.max - t.buf.Len()
	switch {
	case room >= len(p):
		t.buf.Write(p)
	case room > 0:
		t.buf.Write(p[:room])
		t.dropped += len(p) - room
	default:
		t.dropped += len(p)
	}
	return len(p), nil
}

func (t *headBuffer) String() string {
	if t.dropped == 0 {
		return t.buf.String()
	}
	return fmt.Sprintf("%s\n[%d more bytes of output not kept]", t.buf.String(), t.dropped)
}
