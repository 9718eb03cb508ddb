package health

// phase is where a target stands in the HC-01 state machine.
type phase int

const (
	phaseInitial phase = iota
	phaseHealthy
	phaseUnhealthy
)

// Counter turns a series of probe results into verdicts (HC-01). The zero value is a newly
// registered target. It is not safe for concurrent use.
//
// [amb] HC-01 / §12.16: the first transition out of "initial" needs one passing check ("After
// your target is registered, it must pass one health check to be considered healthy", UG23), or
// UnhealthyThreshold consecutive failures to become unhealthy. Later transitions need the
// thresholds: UnhealthyThreshold consecutive failures, HealthyThreshold consecutive successes.
type Counter struct {
	phase     phase
	successes int
	failures  int
	last      Verdict
}

// ResumeCounter returns a counter whose verdict in force is v, with no consecutive results yet:
// an unhealthy target then needs HealthyThreshold passes, a healthy one UnhealthyThreshold
// failures, instead of the "initial" rules.
func ResumeCounter(v Verdict) Counter {
	c := Counter{phase: phaseUnhealthy, last: v}
	if v.Healthy {
		c.phase = phaseHealthy
	}
	return c
}

// Observe records one result and returns the verdict in force, and whether it differs from the
// previous one (a new state, or a new failure reason or description while unhealthy).
func (c *Counter) Observe(r Result, s Settings) (Verdict, bool) {
	if r.OK {
		c.successes++
		c.failures = 0
	} else {
		c.failures++
		c.successes = 0
	}
	switch {
	case r.OK && (c.phase == phaseInitial || c.phase == phaseUnhealthy && c.successes >= s.HealthyThreshold):
		c.phase = phaseHealthy
	case !r.OK && c.phase != phaseUnhealthy && c.failures >= s.UnhealthyThreshold:
		c.phase = phaseUnhealthy
	}
	var v Verdict
	switch c.phase {
	case phaseInitial:
		return c.last, false
	case phaseHealthy:
		v = Verdict{Healthy: true}
	case phaseUnhealthy:
		v = c.last // a success short of the threshold keeps the last failure's reason
		if !r.OK {
			v = Verdict{Reason: r.Reason, Description: r.Description}
		}
	}
	changed := v != c.last
	c.last = v
	return v, changed
}
