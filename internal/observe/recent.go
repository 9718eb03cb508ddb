package observe

import (
	"sync"
	"sync/atomic"
	"time"
)

// recentSize is how many finished requests the dashboard can show.
const recentSize = 64

// RecentRequest is a finished request as the dashboard lists it.
type RecentRequest struct {
	Time         time.Time `json:"time"`
	LoadBalancer string    `json:"load_balancer"`
	Listener     string    `json:"listener"`
	Method       string    `json:"method"`
	URI          string    `json:"uri"`
	Status       int       `json:"status"`
	TargetGroup  string    `json:"target_group,omitempty"`
	Target       string    `json:"target,omitempty"`
	// Lambda marks a function invocation; Duration is then the invocation's time, otherwise
	// the target's (target_processing_time), 0 when nothing was dispatched.
	Lambda      bool    `json:"lambda"`
	DurationMS  float64 `json:"duration_ms"`
	TraceID     string  `json:"trace_id"`
	ErrorReason string  `json:"error_reason,omitempty"`
}

// recentRing keeps the last recentSize requests. A short mutex section per request; the
// strings are shared with the exchange, not copied.
type recentRing struct {
	mu   sync.Mutex
	buf  [recentSize]RecentRequest
	next uint64
}

func (r *recentRing) add(ex *Exchange, listener string) {
	rr := RecentRequest{
		Time: ex.Finished, LoadBalancer: ex.LoadBalancer, Listener: listener, Method: ex.Method, URI: ex.RequestURI,
		Status: ex.Status, TargetGroup: resourceID(ex.TargetGroupARN), Target: ex.Target, Lambda: isLambda(ex),
		TraceID: ex.TraceID, ErrorReason: ex.ErrorReason,
	}
	if !ex.TargetSent.IsZero() && !ex.TargetResponded.IsZero() {
		rr.DurationMS = float64(ex.TargetResponded.Sub(ex.TargetSent).Microseconds()) / 1000
	}
	r.mu.Lock()
	r.buf[r.next%recentSize] = rr
	r.next++
	r.mu.Unlock()
}

// snapshot returns the requests newest first.
func (r *recentRing) snapshot() []RecentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := min(r.next, recentSize)
	out := make([]RecentRequest, 0, n)
	for i := uint64(1); i <= n; i++ {
		out = append(out, r.buf[(r.next-i)%recentSize])
	}
	return out
}

// Recent returns the last finished requests, newest first.
func (m *Metrics) Recent() []RecentRequest { return m.recent.snapshot() }

// ruleKey names a rule of a listener; priority 0 is the default rule.
type ruleKey struct {
	lb, listener string
	priority     int
}

// ruleCounter returns the request counter of a rule, created on first use and kept across
// reloads.
func (m *Metrics) ruleCounter(k ruleKey) *atomic.Uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.rules[k]
	if c == nil {
		c = new(atomic.Uint64)
		m.rules[k] = c
	}
	return c
}

// RuleRequests returns how many requests the rule with priority (0: the default rule) of a
// listener has routed since the process started.
func (m *Metrics) RuleRequests(lb, listener string, priority int) uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if c := m.rules[ruleKey{lb, listener, priority}]; c != nil {
		return c.Load()
	}
	return 0
}
