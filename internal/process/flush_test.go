package process

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pipedProcess is a Process with its output pipes but no program: the test writes into the
// write ends itself (a write(2) that has returned is in the pipe), so every case is exact.
type pipedProcess struct {
	*Process
	mu    sync.Mutex
	lines []string
}

func newPipedProcess(t *testing.T) *pipedProcess {
	t.Helper()
	pp := &pipedProcess{}
	p := &Process{cmd: &exec.Cmd{}, exited: make(chan struct{}), launched: make(chan struct{})}
	close(p.launched)
	if err := p.attachOutput(func(s Stream, l string) {
		pp.mu.Lock()
		pp.lines = append(pp.lines, string(s)+": "+l)
		pp.mu.Unlock()
	}, nil); err != nil {
		t.Fatal(err)
	}
	p.flusher.writers = []*os.File{p.cmd.Stdout.(*os.File), p.cmd.Stderr.(*os.File)}
	pp.Process = p
	t.Cleanup(func() {
		p.flusher.close() // the readers see EOF and end
		p.output.Wait()
	})
	return pp
}

func (pp *pipedProcess) stdout() *os.File { return pp.flusher.writers[0] }
func (pp *pipedProcess) stderr() *os.File { return pp.flusher.writers[1] }

func (pp *pipedProcess) delivered() []string {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return slices.Clone(pp.lines)
}

func (pp *pipedProcess) roundTrips() int {
	pp.flusher.mu.Lock()
	defer pp.flusher.mu.Unlock()
	return pp.flusher.roundTrips
}

func (pp *pipedProcess) flush(t *testing.T) {
	t.Helper()
	if !pp.Flush(30 * time.Second) { // generous: the machine may be loaded
		t.Fatal("Flush timed out")
	}
}

// TestFlushSkipsMarkerOnlyWhenDrained: Flush delivers everything written before it in every
// case, and sends no marker exactly when there is provably nothing left to deliver.
func TestFlushSkipsMarkerOnlyWhenDrained(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, pp *pipedProcess)
		want  []string
		// markers: whether Flush must send a marker; nil when either way is right (the reader
		// may or may not have delivered the line before Flush looks).
		markers *bool
	}{
		{name: "nothing written", write: func(*testing.T, *pipedProcess) {}, markers: new(false)},
		{name: "nothing written since the last flush", write: func(t *testing.T, pp *pipedProcess) {
			fmt.Fprintln(pp.stdout(), "earlier")
			pp.flush(t) // settles the pipe before it acknowledges the marker
			pp.mu.Lock()
			pp.lines = nil
			pp.mu.Unlock()
		}, markers: new(false)},
		{name: "line written before the flush", write: func(_ *testing.T, pp *pipedProcess) {
			fmt.Fprintln(pp.stdout(), "to stdout")
		}, want: []string{"stdout: to stdout"}},
		{name: "line written to stderr", write: func(_ *testing.T, pp *pipedProcess) {
			fmt.Fprintln(pp.stderr(), "to stderr")
		}, want: []string{"stderr: to stderr"}},
		{name: "partial line pending", write: func(_ *testing.T, pp *pipedProcess) {
			fmt.Fprint(pp.stdout(), "no newline yet")
		}, want: []string{"stdout: no newline yet"}, markers: new(true)},
		{name: "inside a line cut at the limit", write: func(_ *testing.T, pp *pipedProcess) {
			// Exactly the limit: the reader delivers it, holds nothing and is inside the cut. The
			// marker ends the cut, as before the marker could be skipped.
			fmt.Fprint(pp.stdout(), strings.Repeat("x", maxLine))
		}, want: []string{"stdout: " + strings.Repeat("x", maxLine)}, markers: new(true)},
		{name: "output from a child process", write: func(t *testing.T, pp *pipedProcess) {
			cmd := exec.Command("/bin/sh", "-c", "echo from child; echo child error >&2; (echo from grandchild) & wait")
			cmd.Stdout, cmd.Stderr = pp.stdout(), pp.stderr()
			if err := cmd.Run(); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"stdout: from child", "stderr: child error", "stdout: from grandchild"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pp := newPipedProcess(t)
			tc.write(t, pp)
			before := pp.roundTrips()
			pp.flush(t)
			got := pp.delivered()
			slices.Sort(got) // the two streams have no order between them
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("delivered %.200q, want %.200q", got, want)
			}
			if sent := pp.roundTrips() > before; tc.markers != nil && sent != *tc.markers {
				t.Errorf("marker sent: %v, want %v", sent, *tc.markers)
			}
		})
	}
}

// TestFlushUnderConcurrentWrites: while another goroutine writes without pause, every line whose
// write returned before Flush was called has been delivered when Flush returns, whichever way
// Flush went. Run with -race; the writes race the reader and Flush's look on purpose.
func TestFlushUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	pp := newPipedProcess(t)
	var written atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			fmt.Fprintln(pp.stdout(), i)
			written.Store(i)
		}
	}()
	for range 300 {
		before := written.Load()
		pp.flush(t)
		lines := pp.delivered()
		last := int64(0)
		if len(lines) > 0 {
			last, _ = strconv.ParseInt(lines[len(lines)-1][len("stdout: "):], 10, 64)
		}
		if last < before {
			close(stop)
			<-done
			t.Fatalf("line %d was written before Flush, but Flush returned after line %d", before, last)
		}
	}
	close(stop)
	<-done
}

// TestFlushSequentialWrites: alternate a write and a Flush, so that Flush meets the reader in
// every state (line still in the pipe, read but not delivered, delivered and settled).
func TestFlushSequentialWrites(t *testing.T) {
	t.Parallel()
	pp := newPipedProcess(t)
	for i := range 500 {
		w := pp.stdout()
		if i%3 == 2 {
			w = pp.stderr()
		}
		fmt.Fprintln(w, i)
		pp.flush(t)
		lines := pp.delivered()
		if len(lines) != i+1 || lines[i][len("stdout: "):] != strconv.Itoa(i) {
			t.Fatalf("after write %d and Flush: %d lines, last %q", i, len(lines), lines[len(lines)-1])
		}
	}
	if pp.roundTrips() == 500 {
		t.Log("every Flush sent a marker: the reader never settled before Flush looked")
	}
}
