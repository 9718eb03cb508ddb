//go:build unix

package process

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"syscall"
)

// No panic may take albatross down (issue 11). The goroutines this package runs for a process
// (one output reader per stream, one reaper) call code it does not own: Output and Truncated.
// A panic there is recovered, reported through Config.Panicked and contained: the process, whose
// output can no longer be delivered, is killed (its owner sees an exit, as for a crash, and
// replaces it), and the reaper always publishes the exit, so nobody waits forever.

// panicked reports a recovered panic. Call it from the deferred function that recovered, so that
// the stack still shows where the panic happened.
func (p *Process) panicked(where string, v any) {
	if p.onPanic != nil {
		p.onPanic(v)
		return
	}
	slog.Default().Error("recovered from a panic", "component", "process", "where", where,
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
}

// recoverMirror is deferred by a reader: after a panic it kills the process and drains r, so
// that the process never blocks writing and the reaper sees EOF.
func (p *Process) recoverMirror(r *os.File) {
	v := recover()
	if v == nil {
		return
	}
	p.panicked("output", v)
	<-p.launched
	if p.cmd.Process != nil {
		p.Kill()
	}
	_, _ = io.Copy(io.Discard, r)
}

// reapGuarded runs one step of the reaper; a panic in it is reported and the process group is
// killed the plain way, so that the reaper goes on to publish the exit.
func (p *Process) reapGuarded(step func()) {
	defer func() {
		if v := recover(); v != nil {
			p.panicked("wait", v)
			_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
		}
	}()
	step()
}
