package health

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// panicking is a Prober with a bug: every probe after the first panics.
type panicking struct{ n atomic.Int32 }

func (p *panicking) Probe(context.Context) Result {
	if p.n.Add(1) > 1 {
		var r *Result
		return *r // nil dereference
	}
	return ok
}

// TestPanickingProbeFailsTheCheck: a probe that panics fails its check with Elb.InternalError,
// the checker goes on checking on schedule, and the panic is counted; nothing crashes.
func TestPanickingProbeFailsTheCheck(t *testing.T) {
	t.Parallel()
	before := observe.PanicCount("health_check")
	synctest.Test(t, func(t *testing.T) {
		s := Settings{Interval: 10 * time.Second, Timeout: 4 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}
		p := &panicking{}
		rep := &verdicts{t0: time.Now()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { Run(ctx, p, s, rep); close(done) }()
		time.Sleep(35 * time.Second) // probes at 0, 10, 20, 30 s
		cancel()
		<-done
		if p.n.Load() != 4 {
			t.Errorf("%d probes ran, want 4: the checker stopped after a panic", p.n.Load())
		}
		want := []Verdict{{Healthy: true}, {Reason: ReasonInternalError, Description: "Health checks failed due to an internal error"}}
		if len(rep.got) != 2 || rep.got[0] != want[0] || rep.got[1] != want[1] {
			t.Errorf("verdicts %+v, want %+v", rep.got, want)
		}
	})
	if got := observe.PanicCount("health_check") - before; got < 3 {
		t.Errorf("counted %d panics, want at least 3", got)
	}
}
