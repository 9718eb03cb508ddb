package reconcile

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/observe"
)

// fakeRetiree is a function being retired whose Stats or Close panic on demand.
type fakeRetiree struct {
	statsPanics, closePanics bool
	closed                   atomic.Bool
}

func (f *fakeRetiree) Stats() function.Stats {
	if f.statsPanics {
		panic("injected: Stats bug")
	}
	return function.Stats{}
}

func (f *fakeRetiree) Close(context.Context) error {
	f.closed.Store(true)
	if f.closePanics {
		panic("injected: Close bug")
	}
	return nil
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestBackgroundStopsSurvivePanics: a panic while a retired function is watched for quiet, or
// closed, or while a dropped listener is drained, is counted and ends that step only: the caller
// (a goroutine nobody waits for) returns, and a function whose watch panicked is still closed.
func TestBackgroundStopsSurvivePanics(t *testing.T) {
	testCases := []struct {
		desc      string
		component string
		run       func(*fakeRetiree)
		closed    bool
	}{
		{"retire: Stats panics, Close still runs", "function_retire",
			func(f *fakeRetiree) { f.statsPanics = true; retire(quietLog, f, time.Minute) }, true},
		{"retire: Close panics", "function_retire",
			func(f *fakeRetiree) { f.closePanics = true; retire(quietLog, f, time.Minute) }, true},
		{"drain: Close panics", "listener_drain",
			func(f *fakeRetiree) { f.closePanics = true; drainListener(quietLog, f, time.Minute) }, true},
		{"a history sample panics", "dashboard_history",
			func(*fakeRetiree) { guarded(quietLog, "dashboard_history", func() { panic("injected: sample bug") }) }, false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			before := observe.PanicCount(tc.component)
			f := &fakeRetiree{}
			tc.run(f)
			if got := observe.PanicCount(tc.component) - before; got != 1 {
				t.Errorf("%s panics counted: %d, want 1", tc.component, got)
			}
			if f.closed.Load() != tc.closed {
				t.Errorf("closed = %v, want %v", f.closed.Load(), tc.closed)
			}
		})
	}
}
