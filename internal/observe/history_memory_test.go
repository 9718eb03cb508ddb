package observe

import (
	"runtime"
	"strconv"
	"testing"
	"time"
	"unsafe"
)

// historyBound is the most memory the charts' history can hold: every series full, the most
// target groups with a latency histogram, and a fifth more for the maps and the health logs.
const historyBound = (maxHistorySeries*unsafe.Sizeof(historySeries{}) + maxLatencySeries*unsafe.Sizeof([HistoryPoints]latencyHistogram{})) * 6 / 5

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHistoryMemoryBound: filled beyond its limits for longer than its window (target groups,
// targets and rules churning every 15 minutes), the history holds no more than historyBound,
// about 19 MiB; a dashboard left open does not add to it (the charts are computed per poll and
// dropped). A series' points are allocated whole when it starts, so two steps per window fill it
// as much as 180 would.
func TestHistoryMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("fills the history to its limits")
	}
	start := time.Unix(1_800_000_000, 0)
	h, now := fakeClock(start)
	before := heapInUse()
	var peak uint64
	for round := range 3 { // three windows, each with new names: churn
		for _, step := range []int{0, HistoryPoints - 1} {
			*now = start.Add(time.Duration(round*HistoryPoints+step) * HistoryStep)
			for i := range maxHistorySeries / 2 {
				ex := &Exchange{Finished: *now, LoadBalancer: histLB, Status: 200, MatchedRulePriority: i % 50,
					TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg" + strconv.Itoa(round*1000+i) + "/0123456789abcdef",
					Target:         "10.0.0.1:" + strconv.Itoa(round*1000+i), TargetSent: now.Add(-time.Millisecond), TargetResponded: *now}
				h.record(ex, "HTTP:80")
			}
		}
		if n := len(h.series); n > maxHistorySeries || h.latencySeries > maxLatencySeries {
			t.Fatalf("%d series, %d with latency", n, h.latencySeries)
		}
		peak = max(peak, heapInUse()-before)
	}
	for range 5 {
		_ = h.Charts()
	}
	after := heapInUse() - before
	t.Logf("history at its limits: %.1f MiB (bound %.1f MiB); after 5 polls %.1f MiB", float64(peak)/(1<<20), float64(historyBound)/(1<<20), float64(after)/(1<<20))
	if peak > uint64(historyBound) || after > uint64(historyBound) {
		t.Errorf("the history holds %d bytes (after polls %d); bound %d", peak, after, historyBound)
	}
	runtime.KeepAlive(h)
}
