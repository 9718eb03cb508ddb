package function

import (
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a function's environments and counters, for metrics and dashboards.
type Stats struct {
	// Starting, Idle and Busy count environments by state; Provisioned counts the provisioned
	// ones among Idle and Busy. Queued counts invocations waiting for an environment.
	Starting, Idle, Busy, Provisioned, Queued int
	// Invocations counts invocations that ran or failed to initialise; Errors those that ended
	// with a function error of any kind; Timeouts those that timed out.
	Invocations, Errors, Timeouts uint64
	// Throttles counts invocations refused with ErrThrottled.
	Throttles uint64
	// ColdStarts counts environments started successfully; InitErrors failed starts.
	ColdStarts, InitErrors uint64
	// Duration and InitDuration are the sums of invocation durations and of the Init Durations
	// reported by cold starts.
	Duration, InitDuration time.Duration
}

// counters are the function-level counters behind Stats.
type counters struct {
	invocations, errors, timeouts atomic.Uint64
	duration, initDuration        atomic.Int64
}

// record counts one finished invocation.
func (c *counters) record(rep report, o outcome) {
	c.invocations.Add(1)
	if o.resp != nil && o.resp.FunctionError != "" {
		c.errors.Add(1)
	}
	if rep.status == "timeout" {
		c.timeouts.Add(1)
	}
	c.duration.Add(int64(rep.duration))
	c.initDuration.Add(int64(rep.initDuration))
}

// Stats returns a snapshot of the function's state and counters.
func (f *Function) Stats() Stats {
	snap := f.pool.snapshot()
	return Stats{
		Starting: snap.starting, Idle: snap.idle, Busy: snap.busy, Provisioned: snap.provisioned, Queued: snap.queued,
		Invocations: f.stats.invocations.Load(), Errors: f.stats.errors.Load(), Timeouts: f.stats.timeouts.Load(),
		Throttles: snap.stats.throttles, ColdStarts: snap.stats.coldStarts, InitErrors: snap.stats.initErrors,
		Duration: time.Duration(f.stats.duration.Load()), InitDuration: time.Duration(f.stats.initDuration.Load()),
	}
}
