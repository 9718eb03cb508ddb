//go:build unix

package process

import (
	"fmt"
	"os"
	"syscall"
)

// Exit is the typed event describing how a process ended.
type Exit struct {
	// Code is the exit status, or -1 when a signal ended the process.
	Code int
	// Signal is the signal that ended the process, 0 if it exited by itself.
	Signal syscall.Signal
	// Stopped is true when Stop or Kill was called before the process ended.
	Stopped bool
	// MaxRSS is the peak resident set size of the process in bytes (getrusage ru_maxrss).
	MaxRSS int64
	// Err is a failure to wait for the process, normally nil.
	Err error
}

// String describes the exit the way Lambda's Runtime.ExitError message does ("exit status 1",
// "signal: killed"), which matches Go's os.ProcessState formatting.
func (e Exit) String() string {
	switch {
	case e.Err != nil && e.Code == 0 && e.Signal == 0:
		return e.Err.Error()
	case e.Signal != 0:
		return "signal: " + e.Signal.String()
	default:
		return fmt.Sprintf("exit status %d", e.Code)
	}
}

func newExit(state *os.ProcessState, waitErr error, stopped bool) Exit {
	e := Exit{Stopped: stopped}
	if state == nil {
		e.Err = waitErr
		return e
	}
	e.Code = state.ExitCode()
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		e.Signal = ws.Signal()
	}
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		e.MaxRSS = ru.Maxrss * maxRSSUnit
	}
	return e
}
