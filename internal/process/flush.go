//go:build unix

package process

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// flushMarker starts the line the parent writes into a process's output pipes to learn when
// everything written before it has been delivered. NUL bytes keep it apart from real output.
const flushMarker = "\x00albatross-flush\x00"

// flusher implements Process.Flush: pipes are FIFO, so once the reader meets our marker, every
// byte the process wrote before the marker has reached the Output callback.
type flusher struct {
	mu      sync.Mutex // one Flush at a time
	writers []*os.File

	ackMu sync.Mutex
	acks  chan struct{}
}

// Flush blocks until every line the process wrote before the call has been passed to Output, or
// until timeout. Use it to order a process's output before a platform log line (a Lambda END
// line after the function's own lines). It reports whether the output was fully flushed.
func (p *Process) Flush(timeout time.Duration) bool {
	f := &p.flusher
	f.mu.Lock()
	defer f.mu.Unlock()
	acks := make(chan struct{}, len(f.writers))
	f.ackMu.Lock()
	f.acks = acks
	f.ackMu.Unlock()
	sent := 0
	for _, w := range f.writers {
		if _, err := fmt.Fprintf(w, "%s\n", flushMarker); err == nil {
			sent++
		}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for range sent {
		select {
		case <-acks:
		case <-p.exited:
			return true // the output was drained completely
		case <-timer.C:
			return false
		}
	}
	return sent == len(f.writers)
}

// strip removes a marker from a line read from the pipe: it reports the text before the marker
// (a partial line the process wrote without a newline) and whether there was a marker. The
// caller acknowledges the marker once that text has been delivered, or Flush could return
// before it.
func (f *flusher) strip(line string) (string, bool) {
	i := strings.Index(line, flushMarker)
	if i < 0 {
		return line, false
	}
	return line[:i], true
}

// ack tells a waiting Flush that one pipe has delivered everything up to its marker.
func (f *flusher) ack() {
	f.ackMu.Lock()
	defer f.ackMu.Unlock()
	if f.acks != nil {
		select {
		case f.acks <- struct{}{}:
		default:
		}
	}
}

// close closes the parent's write ends; called once the process group is gone.
func (f *flusher) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	closeAll(f.writers)
	f.writers = nil
}
