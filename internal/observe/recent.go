package observe

import (
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// recentSize is how many finished requests, and how many failed ones, the dashboard can show.
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
	// ID numbers the requests since start, for the detail view.
	ID uint64 `json:"id"`
	// Priority is the rule that matched (0: default rule, -1: error, -2: not routed).
	Priority int    `json:"priority"`
	Host     string `json:"host,omitempty"`
	// Client is formatted when listed, not per request.
	Client netip.Addr `json:"client,omitzero"`
	// ErrorDetail, LambdaEvent and LambdaResponse are the exchange's, the payloads cut to
	// recentPayloadSize bytes; they are sent only in the detail view.
	ErrorDetail    string `json:"error_detail,omitempty"`
	LambdaEvent    string `json:"-"`
	LambdaResponse string `json:"-"`
	// Header is the request's header map as the exchange holds it, for explain.
	Header http.Header `json:"-"`
}

// recentPayloadSize bounds the Lambda event and response kept per recent request.
const recentPayloadSize = 4096

func truncated(b []byte) string {
	if len(b) > recentPayloadSize {
		return string(b[:recentPayloadSize]) + "…(truncated)"
	}
	return string(b)
}

// recentRing keeps the last recentSize requests given to it. A short mutex section per request.
type recentRing struct {
	mu   sync.Mutex
	buf  [recentSize]RecentRequest
	next uint64
}

// recentRecord is ex as the dashboard lists it; the Lambda payloads are copied (bounded) since
// the invoker may reuse its buffers.
func recentRecord(ex *Exchange, listener string) RecentRequest {
	rr := RecentRequest{
		Time: ex.Finished, LoadBalancer: ex.LoadBalancer, Listener: listener, Method: ex.Method, URI: ex.RequestURI,
		Status: ex.Status, TargetGroup: resourceID(ex.TargetGroupARN), Target: ex.Target, Lambda: isLambda(ex),
		TraceID: ex.TraceID, ErrorReason: ex.ErrorReason, Priority: ex.MatchedRulePriority, Host: ex.RequestHost,
		ErrorDetail: ex.ErrorDetail, LambdaEvent: truncated(ex.LambdaEvent), LambdaResponse: truncated(ex.LambdaResponse),
		Header: ex.Header,
	}
	if ex.Client.IsValid() {
		rr.Client = ex.Client.Addr()
	}
	if !ex.TargetSent.IsZero() && !ex.TargetResponded.IsZero() {
		rr.DurationMS = float64(ex.TargetResponded.Sub(ex.TargetSent).Microseconds()) / 1000
	}
	return rr
}

// failed tells a request kept among the failures: a 5XX, or any load balancer error reason.
func failed(rr *RecentRequest) bool { return rr.Status >= 500 || rr.ErrorReason != "" }

// addRecent numbers ex and keeps it among the recent requests and, when it failed, among the
// recent failures too: under load the last requests scroll by in a fraction of a second, the
// failures stay until newer failures push them out.
func (m *Metrics) addRecent(ex *Exchange, listener string) {
	rr := recentRecord(ex, listener)
	rr.ID = m.recentID.Add(1)
	m.recent.put(rr)
	if failed(&rr) {
		m.failures.put(rr)
	}
}

func (r *recentRing) put(rr RecentRequest) {
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

// find returns the request numbered id, if still kept.
func (r *recentRing) find(id uint64) (RecentRequest, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range min(r.next, recentSize) {
		if r.buf[i].ID == id {
			return r.buf[i], true
		}
	}
	return RecentRequest{}, false
}

// RecentByID returns the request numbered id while it is among the recent requests, the recent
// failures or the requests a dashboard page listed (ListRecent).
func (m *Metrics) RecentByID(id uint64) (RecentRequest, bool) {
	if rr, ok := m.recent.find(id); ok {
		return rr, true
	}
	if rr, ok := m.failures.find(id); ok {
		return rr, true
	}
	return m.listed.find(id)
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
