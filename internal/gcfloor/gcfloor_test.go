package gcfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// goal is the runtime's heap goal at percent p (runtime/mgcpacer.go, Go 1.21 and later).
func goal(p int, live, kept uint64) uint64 {
	return max(live+kept*uint64(p)/100, heapMinimum*uint64(p)/100)
}

func TestPercent(t *testing.T) {
	const kib, mib = 1 << 10, 1 << 20
	tests := []struct {
		desc              string
		floor, live, kept uint64
		want              int
	}{
		{"no floor", 0, 2 * mib, 3 * mib, 100},
		{"before a first cycle: the minimum's term", 32 * mib, 0, 180 * kib, 800},
		{"small heap: the minimum's term reaches the floor first", 32 * mib, 2 * mib, 3 * mib, 850},
		{"middling heap: the heap's term reaches it first", 32 * mib, 8 * mib, 9 * mib, 356},
		{"kept exactly floor/GOGC: GOGC's own", 32 * mib, 30 * mib, 32 * mib, 100},
		{"large heap: GOGC's own", 32 * mib, 500 * mib, 510 * mib, 100},
		{"a huge floor: capped for the runtime's int32", 1 << 60, 0, 0, 1 << 30},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := Percent(tc.floor, tc.live, tc.kept, 100)
			if got != tc.want {
				t.Errorf("Percent(%d, %d, %d, 100) = %d, want %d", tc.floor, tc.live, tc.kept, got, tc.want)
			}
			if tc.floor == 0 || got == 1<<30 {
				return
			}
			if g := goal(got, tc.live, tc.kept); g < tc.live+tc.floor {
				t.Errorf("goal at %d%% is %d, under live + floor = %d", got, g, tc.live+tc.floor)
			}
			if g := goal(got-1, tc.live, tc.kept); got > 100 && g >= tc.live+tc.floor {
				t.Errorf("goal at %d%% is already %d: %d%% is not the smallest", got-1, g, got)
			}
		})
	}
}

func TestSkipped(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ""},
		{map[string]string{"GOGC": "200"}, "GOGC is set"},
		{map[string]string{"GOGC": ""}, "GOGC is set"},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, "GOMEMLIMIT is set"},
		{map[string]string{"GODEBUG": "gctrace=1"}, ""},
	}
	for _, tc := range tests {
		lookup := func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok }
		if got := Skipped(lookup); got != tc.want {
			t.Errorf("Skipped(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// churn allocates n bytes of garbage in 4 KiB objects and returns how many collections ran.
func churn(n int) uint32 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var keep []byte
	for i := 0; i < n/4096; i++ {
		keep = make([]byte, 4096)
		keep[0] = byte(i)
	}
	runtime.KeepAlive(keep)
	runtime.ReadMemStats(&after)
	return after.NumGC - before.NumGC
}

// TestFloorSpacesCollections is the tuner at work in this process: 256 MiB of garbage over a
// small live heap costs the default collector a cycle per few MiB, and the floor's cycles
// about one per 64 MiB.
func TestFloorSpacesCollections(t *testing.T) {
	if why := Skipped(os.LookupEnv); why != "" {
		t.Skipf("the collector is the environment's: %s", why)
	}
	const mib = 1 << 20
	runtime.GC()
	without := churn(256 * mib)

	tuner := Start(64 * mib)
	runtime.GC() // a first cycle with the tuner's cleanup armed
	waitAdjusted(t, tuner, 1)
	with := churn(256 * mib)
	// The floor bounds the heap as much as it spaces the cycles: the goal stays near live + floor.
	sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	heapGoal, live := sample[0].Value.Uint64(), sample[1].Value.Uint64()
	tuner.Stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after Stop, GOGC = %d, want 100", got)
	}
	after := tuner.Adjustments()
	runtime.GC()
	runtime.GC()
	if tuner.Adjustments() != after {
		t.Errorf("the tuner adjusted after Stop")
	}

	t.Logf("collections for 256 MiB of garbage: %d by default, %d with a 64 MiB floor", without, with)
	if without < 30 {
		t.Fatalf("the default collector ran %d cycles; the test's heap is not small enough to compare", without)
	}
	if bound := live + 64*mib + 64*mib/8 + mib; heapGoal > bound {
		t.Errorf("heap goal %d MiB with %d MiB live, over the floor's %d MiB", heapGoal/mib, live/mib, bound/mib)
	}
	if with > 12 {
		t.Errorf("with a 64 MiB floor: %d collections for 256 MiB, want at most 12", with)
	}
}

func TestZeroFloorStartsNothing(t *testing.T) {
	tuner := Start(0)
	runtime.GC()
	runtime.GC()
	if n := tuner.Adjustments(); n != 0 {
		t.Errorf("a zero floor adjusted %d times", n)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC = %d after a zero floor, want 100", got)
	}
	tuner.Stop()
}

// waitAdjusted waits for the tuner to see n cycles end: cleanups run on their own goroutine
// after the cycle.
func waitAdjusted(t *testing.T, tuner *Tuner, n uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for tuner.Adjustments() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the tuner saw %d cycles end, want %d", tuner.Adjustments(), n)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}
