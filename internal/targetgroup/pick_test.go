package targetgroup

import (
	"math"
	"testing"
	"testing/synctest"
	"time"
)

// counts picks n times and returns picks per target index.
func counts(g *Group, n int) []int {
	got := make([]int, len(g.targets))
	for range n {
		p := g.Pick()
		for i, t := range g.targets {
			if p == t {
				got[i]++
			}
		}
	}
	return got
}

// TestUnhealthyStateRouting covers HC-05 (fail-open and the unhealthy_state_routing thresholds),
// HC-06 (nothing routable: nil, the caller's 503) and ALG-04 (draining targets get nothing).
func TestUnhealthyStateRouting(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		states     []State
		count      int
		percent    int
		wantUsed   []bool // whether each target receives traffic
		wantNoPick bool
	}{
		{desc: "healthy only", states: []State{StateHealthy, StateUnhealthy, StateInitial}, wantUsed: []bool{true, false, false}},
		{desc: "HC-05 all unhealthy: fail-open to all", states: []State{StateUnhealthy, StateUnhealthy}, wantUsed: []bool{true, true}},
		{desc: "HC-05 initial and unhealthy only: fail-open", states: []State{StateInitial, StateUnhealthy}, wantUsed: []bool{true, true}},
		{desc: "count 2, one healthy: fail-open", states: []State{StateHealthy, StateUnhealthy, StateUnhealthy}, count: 2, wantUsed: []bool{true, true, true}},
		{desc: "count 2, two healthy: healthy only", states: []State{StateHealthy, StateHealthy, StateUnhealthy}, count: 2, wantUsed: []bool{true, true, false}},
		{desc: "percent 50, 1 of 3 healthy: fail-open", states: []State{StateHealthy, StateUnhealthy, StateUnhealthy}, percent: 50, wantUsed: []bool{true, true, true}},
		{desc: "percent 50, 2 of 4 healthy: healthy only", states: []State{StateHealthy, StateHealthy, StateUnhealthy, StateUnhealthy}, percent: 50, wantUsed: []bool{true, true, false, false}},
		{desc: "ALG-04 draining never picked, even failing open", states: []State{StateDraining, StateUnhealthy}, wantUsed: []bool{false, true}},
		{desc: "health checks disabled count as healthy", states: []State{StateUnavailable, StateUnhealthy}, wantUsed: []bool{true, false}},
		{desc: "HC-06 all draining or unused: no pick", states: []State{StateDraining, StateUnused}, wantNoPick: true},
		{desc: "HC-06 no targets: no pick", wantNoPick: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := make([]*Target, len(tc.states))
			for i, s := range tc.states {
				ts[i] = NewTarget("127.0.0.1", 8000+i)
				ts[i].status.Store(&status{state: s})
			}
			g := NewGroup("tg", "arn", ts, Options{MinHealthyCount: tc.count, MinHealthyPercent: tc.percent})
			if tc.wantNoPick {
				if p := g.Pick(); p != nil {
					t.Fatalf("picked %s, want none", p.Addr)
				}
				return
			}
			got := counts(g, 60)
			for i, n := range got {
				if (n > 0) != tc.wantUsed[i] {
					t.Fatalf("picks %v, want used %v", got, tc.wantUsed)
				}
			}
		})
	}
}

// TestAlgorithmDistribution: ALG-01, each algorithm's share per target over many picks, within
// statistical bounds for the random one.
func TestAlgorithmDistribution(t *testing.T) {
	t.Parallel()
	const picks = 30000
	t.Run("round_robin is exactly even", func(t *testing.T) {
		t.Parallel()
		g := NewGroup("tg", "arn", targets(3), Options{Algorithm: RoundRobin})
		for i, n := range counts(g, picks) {
			if n != picks/3 {
				t.Fatalf("target %d got %d, want %d", i, n, picks/3)
			}
		}
	})
	t.Run("weighted_random is even within 5 sigma", func(t *testing.T) {
		t.Parallel()
		g := NewGroup("tg", "arn", targets(4), Options{Algorithm: WeightedRandom})
		p := 0.25
		sigma := math.Sqrt(picks * p * (1 - p))
		for i, n := range counts(g, picks) {
			if math.Abs(float64(n)-picks*p) > 5*sigma {
				t.Fatalf("target %d got %d, want %.0f ± %.0f", i, n, picks*p, 5*sigma)
			}
		}
	})
	t.Run("least_outstanding_requests prefers the least busy", func(t *testing.T) {
		t.Parallel()
		ts := targets(3)
		g := NewGroup("tg", "arn", ts, Options{Algorithm: LeastOutstandingRequests})
		ts[0].outstanding.Store(5)
		ts[1].outstanding.Store(2)
		ts[2].outstanding.Store(2)
		got := counts(g, 100)
		if got[0] != 0 || got[1] != 50 || got[2] != 50 {
			t.Fatalf("picks %v, want [0 50 50]: ties shared, busy target avoided", got)
		}
		// As requests start, the picks even out the load: 5+2+2 and 9 more end at 6 each.
		for range 9 {
			g.Pick().Begin()
		}
		if a, b, c := ts[0].Outstanding(), ts[1].Outstanding(), ts[2].Outstanding(); a != 6 || b != 6 || c != 6 {
			t.Fatalf("outstanding %d %d %d after 9 picks, want 6 6 6", a, b, c)
		}
	})
}

// TestAnomalyMitigation: ALG-01 weighted_random with anomaly_mitigation, a target whose error
// rate or latency stands out gets much less traffic; without mitigation it keeps its share.
func TestAnomalyMitigation(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc      string
		mitigate  bool
		failing   bool
		slow      bool
		wantShare [2]float64 // bounds of target 0's share
	}{
		{desc: "errors mitigated", mitigate: true, failing: true, wantShare: [2]float64{0, 0.08}},
		{desc: "latency mitigated", mitigate: true, slow: true, wantShare: [2]float64{0, 0.08}},
		{desc: "errors without mitigation", failing: true, wantShare: [2]float64{0.28, 0.39}},
		{desc: "healthy stats keep their share", mitigate: true, wantShare: [2]float64{0.28, 0.39}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(3)
			for range 100 {
				ts[0].Record(tc.failing, map[bool]time.Duration{true: 500 * time.Millisecond, false: 10 * time.Millisecond}[tc.slow])
				ts[1].Record(false, 10*time.Millisecond)
				ts[2].Record(false, 12*time.Millisecond)
			}
			g := NewGroup("tg", "arn", ts, Options{Algorithm: WeightedRandom, AnomalyMitigation: tc.mitigate})
			const picks = 20000
			share := float64(counts(g, picks)[0]) / picks
			if share < tc.wantShare[0] || share > tc.wantShare[1] {
				t.Fatalf("anomalous target share %.3f, want within %v", share, tc.wantShare)
			}
		})
	}
}

// TestSlowStart: ALG-03, a target turning healthy beside a steady healthy target gets a share
// rising linearly over the window; a first batch and already healthy targets are not slowed;
// turning unhealthy leaves slow start.
func TestSlowStart(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		old, fresh := NewTarget("127.0.0.1", 1), NewTarget("127.0.0.1", 2)
		g := NewGroup("tg", "arn", []*Target{old, fresh}, Options{SlowStart: 100 * time.Second})
		g.Activate()
		old.SetHealthy(true) // a first target has no steady peer: not slowed
		if old.InSlowStart() {
			t.Fatal("first target of an empty group is in slow start")
		}
		fresh.SetHealthy(true)
		if !fresh.InSlowStart() {
			t.Fatal("target turning healthy beside a steady one is not in slow start")
		}
		const picks = 20000
		share := func() float64 { return float64(counts(g, picks)[1]) / picks }
		// weight w against 1: share w/(1+w).
		for _, at := range []struct {
			sleep time.Duration
			w     float64
		}{{25 * time.Second, 0.25}, {25 * time.Second, 0.5}, {25 * time.Second, 0.75}} {
			time.Sleep(at.sleep)
			want := at.w / (1 + at.w)
			if got := share(); math.Abs(got-want) > 0.03 {
				t.Fatalf("share at weight %.2f is %.3f, want %.3f ± 0.03", at.w, got, want)
			}
		}
		time.Sleep(25 * time.Second)
		if fresh.InSlowStart() {
			t.Fatal("slow start did not end with its window")
		}
		if got := share(); got != 0.5 {
			t.Fatalf("share after slow start %.3f, want round robin's 0.5", got)
		}
		fresh.SetHealthy(false)
		fresh.SetHealthy(true)
		if !fresh.InSlowStart() {
			t.Fatal("target recovering from unhealthy does not slow start again")
		}
		fresh.SetHealthy(false)
		if fresh.slowUntil.Load() != 0 {
			t.Fatal("unhealthy target stayed in slow start")
		}
	})
}

// TestPickAllocs: the hot path does not allocate, for every algorithm, also with targets
// filtered out and in slow start.
func TestPickAllocs(t *testing.T) {
	for _, alg := range []Algorithm{RoundRobin, LeastOutstandingRequests, WeightedRandom} {
		ts := targets(5)
		ts[1].SetHealthy(false)
		ts[2].slowFrom.Store(time.Now().UnixNano())
		ts[2].slowUntil.Store(time.Now().Add(time.Hour).UnixNano())
		g := NewGroup("tg", "arn", ts, Options{Algorithm: alg, AnomalyMitigation: true})
		if n := testing.AllocsPerRun(1000, func() { g.Pick() }); n != 0 {
			t.Errorf("algorithm %d: %.1f allocations per Pick", alg, n)
		}
	}
}

// BenchmarkPick measures one pick among 10 targets.
func BenchmarkPick(b *testing.B) {
	g := NewGroup("tg", "arn", targets(10), Options{})
	b.ReportAllocs()
	for b.Loop() {
		g.Pick()
	}
}
