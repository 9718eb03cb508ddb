package targetgroup

import (
	"context"
	"time"

	"github.com/albatross-lb/albatross/internal/health"
)

// CheckSpec is the health check one target should run.
type CheckSpec struct {
	// Key identifies the check's settings: while it stays the same across revisions the running
	// checker, and its consecutive-result counters, are kept.
	Key string
	// Prober performs the checks. nil means health checks are disabled (a Lambda target group's
	// default): the target shows unavailable with Target.HealthCheckDisabled and gets traffic.
	Prober health.Prober
	// Settings are the interval, timeout and thresholds (§4.2).
	Settings health.Settings
	// NotInUse marks a target group that no listener routes to: its targets show unused with
	// Target.NotInUse and are not checked (HC-04).
	NotInUse bool
	// Probes, when set, hears every probe's result: the load balancer's health-check log. Key
	// must change with it for a running checker to pick it up.
	Probes health.ProbeObserver
}

// runningCheck is a target's live health checker.
type runningCheck struct {
	key    string
	cancel context.CancelFunc
}

// syncCheck makes t's checker match its pending spec. reg.mu is held.
func (reg *Registry) syncCheck(t *Target) {
	spec := t.pending.Load()
	if spec == nil || t.check != nil && t.check.key == spec.Key {
		return
	}
	reg.stopCheck(t)
	switch {
	case spec.NotInUse:
		t.setStatus(statusNotInUse)
		return
	case spec.Prober == nil:
		t.setStatus(statusDisabled)
		return
	}
	// A target already judged keeps its verdict under new settings; others check from scratch.
	var counter health.Counter
	switch st := t.status.Load(); st.state {
	case StateHealthy, StateUnhealthy:
		counter = health.ResumeCounter(health.Verdict{Healthy: st.state == StateHealthy, Reason: st.reason, Description: st.description})
	default:
		t.setStatus(statusChecking)
	}
	ctx, cancel := context.WithCancel(reg.ctx)
	t.check = &runningCheck{key: spec.Key, cancel: cancel}
	reg.checks.Go(func() {
		health.RunFrom(ctx, counter, spec.Prober, spec.Settings, checkReporter{ctx: ctx, t: t, probes: spec.Probes})
	})
}

// stopCheck stops t's checker, if any. reg.mu is held.
func (reg *Registry) stopCheck(t *Target) {
	if t.check != nil {
		t.check.cancel()
		t.check = nil
	}
}

// checkReporter drops verdicts of a checker that was stopped while its probe was running, and
// passes every probe to the health-check log when there is one.
type checkReporter struct {
	ctx    context.Context
	t      *Target
	probes health.ProbeObserver
}

func (r checkReporter) ObserveProbe(start time.Time, latency time.Duration, res health.Result) {
	if r.probes != nil && r.ctx.Err() == nil {
		r.probes.ObserveProbe(start, latency, res)
	}
}

func (r checkReporter) ReportHealth(v health.Verdict) {
	if r.ctx.Err() == nil {
		r.t.ReportHealth(v)
	}
}
