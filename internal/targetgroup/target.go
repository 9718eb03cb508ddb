// Package targetgroup holds the targets of target groups and their per-target state (health,
// draining, slow start, error and latency statistics), the algorithms that choose one target per
// request, and target stickiness (§4). Health checks run in package health and report here.
package targetgroup

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/health"
)

// Target is one registered target (id and port). Its runtime state lives here, in a value shared
// by every revision of the configuration that keeps the target registered, so that reloads do not
// reset it (the Registry hands out the same *Target for the same identity). All methods are safe
// for concurrent use; reading the state is one atomic load.
type Target struct {
	// ID is the registered id: an IP address or host name (or a function name for Lambda).
	ID string
	// Port is the port requests go to.
	Port int
	// Addr is ID:Port in the form net.Dial takes.
	Addr string

	outstanding atomic.Int64
	status      atomic.Pointer[status]
	settings    atomic.Pointer[groupSettings]
	// slowFrom and slowUntil bound the target's slow-start window in unix nanoseconds; slowUntil
	// 0 means the target is not in slow start (ALG-03).
	slowFrom, slowUntil atomic.Int64
	stats               stats

	// cutCtx ends when the deregistration delay of a removed target runs out (ALG-04): requests
	// still in flight on it are then cut.
	cutCtx context.Context
	cut    context.CancelFunc
	reg    *Registry
	group  string

	// pending is the health check the newest build wants; check (the running one) and drain (the
	// deregistration of a removed target) are guarded by reg.mu.
	pending atomic.Pointer[CheckSpec]
	check   *runningCheck
	drain   *drain
}

var _ health.Reporter = (*Target)(nil)

// NewTarget returns a target for id and port in state initial (Elb.RegistrationInProgress): like
// a newly registered ALB target it is only preferred once a health check passed (HC-01).
func NewTarget(id string, port int) *Target {
	t := &Target{ID: id, Port: port, Addr: net.JoinHostPort(id, strconv.Itoa(port))}
	t.status.Store(statusRegistering)
	t.cutCtx, t.cut = context.WithCancel(context.Background())
	return t
}

// Outstanding is the number of requests in flight to the target.
func (t *Target) Outstanding() int64 { return t.outstanding.Load() }

// Begin counts a request as in flight; the returned function ends it. Least-outstanding-requests
// selection and draining read the count.
func (t *Target) Begin() (end func()) {
	t.outstanding.Add(1)
	return func() { t.outstanding.Add(-1) }
}

// Health returns the target's health as DescribeTargetHealth shows it.
func (t *Target) Health() TargetHealth {
	s := t.status.Load()
	return TargetHealth{ID: t.ID, Port: t.Port, State: s.state, Reason: s.reason, Description: s.description}
}

// State returns the target's health state.
func (t *Target) State() State { return t.status.Load().state }

// Healthy reports whether the target counts as healthy for routing: healthy, or not health
// checked at all (unavailable with Target.HealthCheckDisabled).
func (t *Target) Healthy() bool { return healthyState(t.status.Load().state) }

// SetHealthy records a verdict as a health checker would (used by tests and by callers that
// judge health themselves).
func (t *Target) SetHealthy(healthy bool) {
	v := health.Verdict{Healthy: true}
	if !healthy {
		v = health.Verdict{Reason: health.ReasonFailedHealthChecks, Description: "Health checks failed"}
	}
	t.ReportHealth(v)
}

// ReportHealth applies a health checker's verdict (HC-01). Verdicts for a draining or unused
// target are ignored: deregistration outranks health.
func (t *Target) ReportHealth(v health.Verdict) {
	next := statusHealthy
	if !v.Healthy {
		next = &status{state: StateUnhealthy, reason: v.Reason, description: v.Description}
	}
	for {
		old := t.status.Load()
		if !routable(old.state) {
			return
		}
		if t.status.CompareAndSwap(old, next) {
			t.changed(old, next)
			return
		}
	}
}

// setStatus replaces the status unconditionally (registration, draining, check start).
func (t *Target) setStatus(next *status) {
	old := t.status.Swap(next)
	t.changed(old, next)
}

// changed logs a state change once and keeps slow start in step with health (ALG-03).
func (t *Target) changed(old, next *status) {
	if *old == *next {
		return
	}
	if next.state == StateHealthy && old.state != StateHealthy {
		t.maybeSlowStart(time.Now())
	} else if next.state != StateHealthy {
		t.slowUntil.Store(0) // unhealthy or deregistered targets leave slow start
	}
	if t.reg != nil {
		t.reg.logChange(t, old, next)
	}
}
