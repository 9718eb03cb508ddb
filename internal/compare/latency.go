package compare

import (
	"slices"
	"time"
)

// windowSize is how many recent latencies a window keeps for its percentiles.
const windowSize = 1024

// window keeps the most recent latencies; not safe for concurrent use (Tally locks it).
type window struct {
	values [windowSize]time.Duration
	n      int // values held, up to windowSize
	next   int
}

func (w *window) add(d time.Duration) {
	w.values[w.next] = d
	w.next = (w.next + 1) % windowSize
	w.n = min(w.n+1, windowSize)
}

// Latency is the percentiles of the latest latencies (at most 1024), in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
}

func (w *window) latency() Latency {
	if w.n == 0 {
		return Latency{}
	}
	vals := slices.Clone(w.values[:w.n])
	slices.Sort(vals)
	return Latency{Count: w.n, P50: ms(percentile(vals, 50)), P99: ms(percentile(vals, 99))}
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
