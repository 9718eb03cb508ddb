package shift

import (
	"slices"
	"sync"
	"time"
)

// meterWindow bounds the latencies a meter keeps for its p99: the newest ones win.
const meterWindow = 2048

// Meter counts one target group's answers within a shifted rule since its last Reset: requests,
// 5XX, and the latest latencies. It is safe for concurrent use.
type Meter struct {
	mu        sync.Mutex
	requests  uint64
	errors5xx uint64
	latencies []time.Duration
	next      int
}

// Record counts one answer with its status (the load balancer's error page status when the
// target gave none) and latency.
func (m *Meter) Record(status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	if status >= 500 {
		m.errors5xx++
	}
	if len(m.latencies) < meterWindow {
		m.latencies = append(m.latencies, d)
		return
	}
	m.latencies[m.next] = d
	m.next = (m.next + 1) % meterWindow
}

// Reading returns the counts and the p99 latency since the last Reset.
func (m *Meter) Reading() (requests, errors5xx uint64, p99 time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.latencies) > 0 {
		sorted := slices.Clone(m.latencies)
		slices.Sort(sorted)
		rank := (99*len(sorted) + 99) / 100
		p99 = sorted[max(rank, 1)-1]
	}
	return m.requests, m.errors5xx, p99
}

// Reset starts counting afresh (a new step).
func (m *Meter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests, m.errors5xx, m.latencies, m.next = 0, 0, nil, 0
}
