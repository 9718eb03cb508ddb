// Package gcfloor keeps the garbage collector from running more often than a floor of
// allocation warrants while the live heap is small.
//
// Go starts a collection when the heap has grown by GOGC percent of what the last one kept
// (live heap, stacks and globals), with a heap of 4 MiB at least. A load balancer keeps little, 2 to
// 4 MiB, and allocates about 1.5 KB a request, so at 10,000 requests a second it collects
// several times a second. At GOMAXPROCS=1 each cycle shares the only P with the requests, and a
// request that meets one waits: at one connection the proxy's p99 latency was 1.4 ms with the
// default collector and 0.9 ms, nginx's, when collections were rare (bench/RESULTS.md, "The
// collector's floor"). After each cycle a Tuner raises the percentage so that the next cycle
// runs after at least Floor bytes of allocation. Once what a cycle keeps exceeds Floor × 100 /
// GOGC, the percentage is GOGC's own and the collector behaves as without the tuner, so a large
// heap costs no more memory than before.
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// basePercent is GOGC's default; the tuner never goes below it.
const basePercent = 100

// heapMinimum is the runtime's floor under the goal at GOGC=100 (defaultHeapMinimum in
// runtime/mgcpacer.go). The runtime scales it with GOGC, so a raised percentage raises it too.
const heapMinimum = 4 << 20

// sampleNames are what the collector's goal is computed from since Go 1.21: the goal is
// live + (live + stacks + globals) × GOGC / 100, and at least heapMinimum × GOGC / 100.
var sampleNames = [...]string{"/gc/heap/live:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes"}

// Percent is the smallest GOGC percentage, and never less than base, at which the collector's
// goal lets the heap grow by floor bytes beyond the live heap that the last cycle marked. kept
// is what GOGC is a percentage of: that live heap, the stacks and the globals. Both of the
// runtime's terms grow with the percentage, so the answer is the smaller of the two that reach
// live + floor; before a first cycle, when little is kept, that is the minimum's.
func Percent(floor, live, kept uint64, base int) int {
	if floor == 0 {
		return base
	}
	// Rounded up, so that the growth is never below the floor.
	want := ceilDiv((live+floor)*100, heapMinimum)
	if kept > 0 {
		want = min(want, ceilDiv(floor*100, kept))
	}
	if want <= uint64(base) {
		return base
	}
	return int(min(want, 1<<30)) // the runtime keeps it in an int32
}

func ceilDiv(a, b uint64) uint64 { return (a + b - 1) / b }

// Skipped says why the floor must not be set in an environment (os.LookupEnv in production):
// the operator chose the collector's settings (GOGC or GOMEMLIMIT), and the tuner would overrule
// them. It is "" when the floor may be set.
func Skipped(lookup func(string) (string, bool)) string {
	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := lookup(name); set {
			return name + " is set"
		}
	}
	return ""
}

// Tuner raises the collector's percentage after each cycle (see the package comment).
type Tuner struct {
	floor   uint64
	stopped atomic.Bool
	// mu orders a cycle's adjustment against Stop, so that Stop's restored percentage is the
	// last one set.
	mu      sync.Mutex
	samples [len(sampleNames)]metrics.Sample
	percent int
	cycles  atomic.Uint64
}

// Start sets the floor from now on, until Stop. A floor of 0 starts nothing: Stop is then a
// no-op. The caller checks Skipped first when the environment may hold the operator's settings.
func Start(floor uint64) *Tuner {
	t := &Tuner{floor: floor, percent: basePercent}
	for i, name := range sampleNames {
		t.samples[i].Name = name
	}
	if floor == 0 {
		t.stopped.Store(true)
		return t
	}
	t.adjust()
	t.arm()
	return t
}

// Adjustments is how many cycles the tuner has seen end; tests wait on it.
func (t *Tuner) Adjustments() uint64 { return t.cycles.Load() }

// Stop restores GOGC's default percentage; the tuner does nothing after it.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Swap(true) {
		return
	}
	debug.SetGCPercent(basePercent)
}

// arm attaches a cleanup to a fresh object that nothing references: the collector finds it
// unreachable in the next cycle and the cleanup then runs on the runtime's cleanup goroutine,
// once per cycle. The object is 32 bytes so that the tiny allocator, whose blocks may outlive
// their objects, does not hold it.
func (t *Tuner) arm() {
	runtime.AddCleanup(new([32]byte), (*Tuner).cycleEnded, t)
}

func (t *Tuner) cycleEnded() {
	if t.stopped.Load() {
		return
	}
	t.cycles.Add(1)
	t.adjust()
	t.arm()
}

// adjust sets the percentage for what the last cycle kept.
func (t *Tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.samples[:])
	var live, kept uint64
	for i, s := range t.samples {
		if s.Value.Kind() != metrics.KindUint64 {
			continue // a runtime without the metric: the estimate errs on the small side
		}
		if i == 0 {
			live = s.Value.Uint64()
		}
		kept += s.Value.Uint64()
	}
	p := Percent(t.floor, live, kept, basePercent)
	// Small changes are not worth the runtime's recomputation of its pacing.
	if d := p - t.percent; d == 0 || max(d, -d) < t.percent/8 {
		return
	}
	debug.SetGCPercent(p)
	t.percent = p
}
