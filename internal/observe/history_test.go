package observe

import (
	"math"
	"strconv"
	"testing"
	"time"
)

// fakeClock returns a history whose clock the test moves.
func fakeClock(start time.Time) (*History, *time.Time) {
	h := newHistory()
	now := start
	h.now = func() time.Time { return now }
	return h, &now
}

func findSeries(c Charts, kind SeriesKind, name string) *ChartSeries {
	for i := range c.Series {
		if c.Series[i].Kind == kind && c.Series[i].Name == name {
			return &c.Series[i]
		}
	}
	return nil
}

const (
	histLB = "app/web/0123456789abcdef"
	histTG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef"
)

func exchangeAt(t time.Time, status int, latency time.Duration, target string) *Exchange {
	ex := &Exchange{Finished: t, LoadBalancer: histLB, TargetGroupARN: histTG, Target: target, Status: status, MatchedRulePriority: 5}
	if latency >= 0 {
		ex.TargetSent = t.Add(-latency)
		ex.TargetResponded = t
	}
	return ex
}

// TestHistoryRates: requests and errors are per-second rates of the step they finished in, the
// last point being the current step; a step 15 minutes old has left the window.
func TestHistoryRates(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	h, now := fakeClock(start)
	h.record(exchangeAt(start.Add(-16*time.Minute), 200, -1, ""), "HTTP:80") // out of the window
	for _, status := range []int{200, 200, 404, 502, 503} {
		h.record(exchangeAt(start, status, -1, "10.0.0.1:80"), "HTTP:80")
	}
	h.record(exchangeAt(start.Add(-HistoryStep), 200, -1, "10.0.0.2:80"), "HTTP:80")
	*now = start.Add(time.Second)
	c := h.Charts()
	last := HistoryPoints - 1
	testCases := []struct {
		kind                  SeriesKind
		name                  string
		req, e4, e5, previous float64
		total                 uint64
	}{
		{KindLoadBalancer, histLB, 1, 0.2, 0.4, 0.2, 6},
		{KindTargetGroup, "targetgroup/api/0123456789abcdef", 1, 0.2, 0.4, 0.2, 6},
		{KindRule, RuleName(histLB, "HTTP:80", 5), 1, 0.2, 0.4, 0.2, 6},
		{KindTarget, "targetgroup/api/0123456789abcdef 10.0.0.1:80", 1, 0.2, 0.4, 0, 5},
	}
	for _, tc := range testCases {
		s := findSeries(c, tc.kind, tc.name)
		if s == nil {
			t.Errorf("%s %s: no series", tc.kind, tc.name)
			continue
		}
		if len(s.Requests) != HistoryPoints || s.Requests[last] != tc.req || s.Errors4[last] != tc.e4 || s.Errors5[last] != tc.e5 ||
			s.Requests[last-1] != tc.previous || s.Total != tc.total {
			t.Errorf("%s: requests %v 4xx %v 5xx %v previous %v total %d", tc.kind, s.Requests[last], s.Errors4[last], s.Errors5[last], s.Requests[last-1], s.Total)
		}
	}
	if got := h.LastMatch(histLB, "HTTP:80", 5); !got.Equal(start) {
		t.Errorf("last match %v, want %v", got, start)
	}
}

// TestHistoryPercentiles: p50 and p99 come from the step's latency histogram, -1 without one.
func TestHistoryPercentiles(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	h, _ := fakeClock(start)
	for i := range 100 {
		d := 2 * time.Millisecond
		if i == 99 {
			d = 900 * time.Millisecond
		}
		h.record(exchangeAt(start, 200, d, ""), "HTTP:80")
	}
	s := findSeries(h.Charts(), KindTargetGroup, "targetgroup/api/0123456789abcdef")
	p50, p99 := s.P50[HistoryPoints-1], s.P99[HistoryPoints-1]
	if p50 < 2 || p50 > 2*1.4 || p99 != p50 {
		t.Errorf("p50 %v p99 %v: want about 2 ms for both (99 of 100 requests)", p50, p99)
	}
	if s.P50[HistoryPoints-2] != -1 {
		t.Errorf("a step without requests has p50 %v, want -1", s.P50[HistoryPoints-2])
	}
	var b [len(latencyBuckets) + 1]uint32
	b[len(latencyBuckets)] = 1
	if got := percentile(&b, 0.99); got != latencyBuckets[len(latencyBuckets)-1] || math.IsNaN(got) {
		t.Errorf("overflow bucket reads %v", got)
	}
}

// TestHistoryGauges: function environments and cold starts (as increases), target counts and a
// target's state changes with reasons.
func TestHistoryGauges(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	h, now := fakeClock(start)
	h.SampleFunctions([]FunctionSample{{Name: "f", Starting: 1, ColdStarts: 3}})
	h.SampleHealth([]TargetState{{TargetGroup: "tg", Target: "a", State: "initial", Reason: "Elb.InitialHealthChecking"}})
	*now = start.Add(HistoryStep)
	h.SampleFunctions([]FunctionSample{{Name: "f", Idle: 2, Busy: 1, ColdStarts: 5}})
	h.SampleHealth([]TargetState{
		{TargetGroup: "tg", Target: "a", State: "unhealthy", Reason: "Target.Timeout", Unhealthy: true},
		{TargetGroup: "tg", Target: "b", State: "healthy", Healthy: true},
	})
	c := h.Charts()
	last := HistoryPoints - 1
	f := findSeries(c, KindFunction, "f")
	if f == nil || f.Starting[last-1] != 1 || f.ColdStarts[last-1] != 0 || f.Idle[last] != 2 || f.Busy[last] != 1 || f.Starting[last] != 0 || f.ColdStarts[last] != 2 || f.Idle[0] != -1 {
		t.Errorf("function %+v", f)
	}
	tg := findSeries(c, KindTargetGroup, "tg")
	if tg == nil || tg.Healthy[last] != 1 || tg.Unhealthy[last] != 1 || tg.Healthy[last-1] != 0 || tg.Healthy[0] != -1 {
		t.Errorf("target group %+v", tg)
	}
	got := h.HealthHistory("tg", "a")
	if len(got) != 2 || got[0].To != "initial" || got[1].From != "initial" || got[1].To != "unhealthy" || got[1].Reason != "Target.Timeout" || !got[1].Time.Equal(start.Add(HistoryStep)) {
		t.Errorf("health history %+v", got)
	}
}

// TestHistoryBounded: the number of series and of state changes per target stays bounded
// whatever the churn.
func TestHistoryBounded(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	h, _ := fakeClock(start)
	for i := range maxHistorySeries + 50 {
		h.record(exchangeAt(start, 200, -1, "10.0.0.1:"+itoa(i)), "HTTP:80")
	}
	if n := len(h.series); n > maxHistorySeries {
		t.Errorf("%d series kept", n)
	}
	for i := range healthLogSize * 2 {
		h.SampleHealth([]TargetState{{TargetGroup: "tg", Target: "a", State: "unhealthy", Reason: "r" + itoa(i)}})
	}
	if got := h.HealthHistory("tg", "a"); len(got) != healthLogSize || got[len(got)-1].Reason != "r"+itoa(healthLogSize*2-1) {
		t.Errorf("%d changes kept, last %+v", len(got), got[len(got)-1])
	}
}

// TestHistoryPrunedSeriesCountedAgain: a series the last request found, then dropped by a
// sweep for idle series, is not counted into any more when its traffic comes back: the request
// gets a series the charts show.
func TestHistoryPrunedSeriesCountedAgain(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	h, now := fakeClock(start)
	for range 2 { // the second finds the series the first made
		h.record(&Exchange{Finished: start, LoadBalancer: histLB, Status: 200, MatchedRulePriority: -1}, "HTTP:80")
	}
	later := start.Add(16 * time.Minute)
	// Target groups alone fill the history, so that the load balancer's series is the idle one
	// swept when the next series is made, while it is still the last of its kind looked up.
	for i := range maxHistorySeries {
		h.record(&Exchange{Finished: later, TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t" + itoa(i) + "/0", Status: 200, MatchedRulePriority: -1}, "HTTP:80")
	}
	if _, kept := h.series[historyKey{kind: KindLoadBalancer, name: histLB}]; kept {
		t.Fatal("the idle load balancer's series was not swept; the test does not test the sweep")
	}
	// Its traffic comes back when the target groups are idle in turn, so that there is room.
	back := later.Add(16 * time.Minute)
	h.record(&Exchange{Finished: back, LoadBalancer: histLB, Status: 200, MatchedRulePriority: -1}, "HTTP:80")
	*now = back.Add(time.Second)
	s := findSeries(h.Charts(), KindLoadBalancer, histLB)
	if s == nil || s.Requests[HistoryPoints-1] != 1.0/HistoryStep.Seconds() {
		t.Fatalf("load balancer series after the sweep: %+v", s)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// BenchmarkHistoryRecord: counting one request into the charts' history.
func BenchmarkHistoryRecord(b *testing.B) {
	h := newHistory()
	ex := exchangeAt(time.Now(), 200, time.Millisecond, "10.0.0.1:80")
	b.ReportAllocs()
	for b.Loop() {
		h.record(ex, "HTTP:80")
	}
}
