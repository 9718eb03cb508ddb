package health

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// scripted is a Prober that returns results in order, taking took per probe, and records when
// each probe started and how long its context allowed.
type scripted struct {
	mu       sync.Mutex
	results  []Result
	took     time.Duration
	starts   []time.Duration
	budgets  []time.Duration
	began    time.Time
	hangFrom int // probes from this index on wait for their context (timeouts); 0 = never
}

func (p *scripted) Probe(ctx context.Context) Result {
	p.mu.Lock()
	i := len(p.starts)
	p.starts = append(p.starts, time.Since(p.began))
	dl, _ := ctx.Deadline()
	p.budgets = append(p.budgets, time.Until(dl))
	p.mu.Unlock()
	if p.hangFrom > 0 && i >= p.hangFrom {
		<-ctx.Done()
		return timedOut
	}
	time.Sleep(p.took)
	if i < len(p.results) {
		return p.results[i]
	}
	return ok
}

type verdicts struct {
	mu  sync.Mutex
	got []Verdict
	at  []time.Duration
	t0  time.Time
}

func (v *verdicts) ReportHealth(x Verdict) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.got = append(v.got, x)
	v.at = append(v.at, time.Since(v.t0))
}

// TestRunTiming: checks start at once and then every Interval whatever they take (HC-01 "response
// time does not shift the interval"), each bounded by Timeout; a hung check fails as
// Target.Timeout; Run returns when its context ends (no leaked goroutine: synctest would fail).
func TestRunTiming(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := Settings{Interval: 10 * time.Second, Timeout: 4 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}
		p := &scripted{began: time.Now(), took: 3 * time.Second, hangFrom: 3}
		rep := &verdicts{t0: time.Now()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { Run(ctx, p, s, rep); close(done) }()
		time.Sleep(45 * time.Second)
		cancel()
		<-done

		wantStarts := []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second, 40 * time.Second}
		if len(p.starts) != len(wantStarts) {
			t.Fatalf("probes started at %v, want %v", p.starts, wantStarts)
		}
		for i := range wantStarts {
			if p.starts[i] != wantStarts[i] || p.budgets[i] != s.Timeout {
				t.Fatalf("probes started at %v with budgets %v, want %v with %v", p.starts, p.budgets, wantStarts, s.Timeout)
			}
		}
		// Healthy after the first probe (3 s); unhealthy when the second hung probe (at 40 s) times out.
		want := []Verdict{{Healthy: true}, {Reason: ReasonTimeout, Description: "Request timed out"}}
		wantAt := []time.Duration{3 * time.Second, 44 * time.Second}
		if len(rep.got) != 2 || rep.got[0] != want[0] || rep.got[1] != want[1] || rep.at[0] != wantAt[0] || rep.at[1] != wantAt[1] {
			t.Errorf("verdicts %+v at %v, want %+v at %v", rep.got, rep.at, want, wantAt)
		}
	})
}

// TestRunStopsMidProbe: cancelling during a probe ends Run without reporting the probe.
func TestRunStopsMidProbe(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := Settings{Interval: 30 * time.Second, Timeout: 20 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}
		rep := &verdicts{t0: time.Now()}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { Run(ctx, &hang{}, s, rep); close(done) }()
		time.Sleep(5 * time.Second)
		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Run did not return after cancel")
		}
		if len(rep.got) != 0 {
			t.Errorf("reported %+v after cancel", rep.got)
		}
	})
}

// hang is a prober that waits for its context.
type hang struct{}

func (hang) Probe(ctx context.Context) Result { <-ctx.Done(); return timedOut }
