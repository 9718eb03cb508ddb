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
// byte the process wrote before the marker has reached the Output callback. A pipe whose reader
// has provably delivered everything (outputPipe.drained) needs no marker: on a function that
// logs nothing, or whose lines were read before the invocation ended, Flush costs two ioctls
// and no wake-up instead of two writes, two reads and two wake-ups.
type flusher struct {
	mu         sync.Mutex    // one Flush at a time
	writers    []*os.File    // the parent's write ends, for markers; nil once the group is gone
	pipes      []*outputPipe // the read ends, in the order of writers
	roundTrips int           // Flush calls that sent a marker; under mu, for tests

	ackMu sync.Mutex
	acks  chan struct{}
}

// Flush blocks until every line the process wrote before the call has been passed to Output, or
// until timeout. Use it to order a process's output before a platform log line (a Lambda END
// line after the function's own lines). It reports whether the output was fully flushed.
//
// The guarantee covers every write(2) into the output pipes, by the process or by any
// descendant holding them, that returned before Flush was called: such bytes are in the pipe or
// already read, and either the marker comes after them (FIFO) or drained proves them
// delivered. A write that overlaps Flush has no guarantee, with or without a marker: it may
// land after the marker or after drained looked, and is delivered after Flush returns (for a
// function: to the next invocation's log, or to none). That is exactly what the marker-only
// design guaranteed; drained only moves the cut from the marker's write to its look, both
// inside the call.
func (p *Process) Flush(timeout time.Duration) bool {
	f := &p.flusher
	f.mu.Lock()
	defer f.mu.Unlock()
	var pending []*os.File
	for i, w := range f.writers {
		if !f.pipes[i].drained() {
			pending = append(pending, w)
		}
	}
	if len(pending) == 0 {
		return true
	}
	f.roundTrips++
	acks := make(chan struct{}, len(pending))
	f.ackMu.Lock()
	f.acks = acks
	f.ackMu.Unlock()
	sent := 0
	for _, w := range pending {
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
	return sent == len(pending)
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
