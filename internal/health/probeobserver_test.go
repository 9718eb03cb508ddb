package health

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// probeLog is a Reporter that also hears every probe (the health-check log's hook).
type probeLog struct {
	verdicts
	mu       sync.Mutex
	results  []Result
	latency  []time.Duration
	startsAt []time.Duration
}

func (p *probeLog) ObserveProbe(start time.Time, latency time.Duration, res Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.results = append(p.results, res)
	p.latency = append(p.latency, latency)
	p.startsAt = append(p.startsAt, start.Sub(p.t0))
}

// TestProbeObserver: a reporter that implements ProbeObserver hears every probe, passes and
// failures alike, with its start and duration, while verdicts still come only on changes.
func TestProbeObserver(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p := &scripted{results: []Result{passed(200), mismatch(503), mismatch(503), passed(200)}, took: 20 * time.Millisecond, began: time.Now()}
		rep := &probeLog{verdicts: verdicts{t0: time.Now()}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			Run(ctx, p, Settings{Interval: 10 * time.Second, Timeout: 5 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}, rep)
		}()
		time.Sleep(35 * time.Second) // probes at 0, 10, 20, 30 s
		synctest.Wait()
		cancel()
		<-done
		if len(rep.results) != 4 || rep.results[1] != mismatch(503) || !rep.results[3].OK {
			t.Fatalf("observed %v", rep.results)
		}
		for i, d := range rep.latency {
			if d != 20*time.Millisecond || rep.startsAt[i] != time.Duration(i)*10*time.Second {
				t.Errorf("probe %d began at %v and took %v", i, rep.startsAt[i], d)
			}
		}
		if len(rep.got) != 2 || !rep.got[0].Healthy || rep.got[1].Healthy {
			t.Errorf("verdicts %v, want healthy then unhealthy", rep.got)
		}
	})
}
