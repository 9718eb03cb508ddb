package reconcile

import (
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/observe"
)

// functionSamples are the function metrics (invocations, errors, throttles, durations,
// concurrency, environments by state) of every running function, read at scrape time.
func (dp *DataPlane) functionSamples() []observe.Sample {
	s := dp.functions
	s.mu.Lock()
	names := make([]string, 0, len(s.running))
	stats := make([]function.Stats, 0, len(s.running))
	for name, rf := range s.running {
		names = append(names, name)
		stats = append(stats, rf.fn.Stats())
	}
	s.mu.Unlock()
	var out []observe.Sample
	for i, name := range names {
		out = append(out, functionMetrics(name, stats[i])...)
	}
	return out
}

// functionMetrics are the metrics of one function, named after the Lambda CloudWatch metrics
// (Invocations, Errors, Throttles, Duration, InitDuration, ConcurrentExecutions) plus the
// environments by state, labelled function_name.
func functionMetrics(name string, s function.Stats) []observe.Sample {
	fn := []observe.Label{{Name: "function_name", Value: name}}
	env := func(state string, n int) observe.Sample {
		return observe.Sample{Name: "lambda_environments", Help: "Execution environments by state.",
			Labels: []observe.Label{{Name: "function_name", Value: name}, {Name: "state", Value: state}}, Value: float64(n)}
	}
	return []observe.Sample{
		{Name: "lambda_invocations_total", Help: "Invocations: invocations that ran or failed to initialise.", Counter: true, Labels: fn, Value: float64(s.Invocations)},
		{Name: "lambda_errors_total", Help: "Errors: invocations that ended with a function error.", Counter: true, Labels: fn, Value: float64(s.Errors)},
		{Name: "lambda_timeouts_total", Help: "Invocations that timed out.", Counter: true, Labels: fn, Value: float64(s.Timeouts)},
		{Name: "lambda_throttles_total", Help: "Throttles: invocations refused for lack of concurrency.", Counter: true, Labels: fn, Value: float64(s.Throttles)},
		{Name: "lambda_cold_starts_total", Help: "Environments started successfully.", Counter: true, Labels: fn, Value: float64(s.ColdStarts)},
		{Name: "lambda_init_errors_total", Help: "Environments that failed to start.", Counter: true, Labels: fn, Value: float64(s.InitErrors)},
		{Name: "lambda_duration_seconds_total", Help: "Duration: the sum of invocation durations.", Counter: true, Labels: fn, Value: s.Duration.Seconds()},
		{Name: "lambda_init_duration_seconds_total", Help: "InitDuration: the sum of cold starts' Init Durations.", Counter: true, Labels: fn, Value: s.InitDuration.Seconds()},
		{Name: "lambda_concurrent_executions", Help: "ConcurrentExecutions: invocations running now.", Labels: fn, Value: float64(s.Busy)},
		{Name: "lambda_queued_invocations", Help: "Invocations waiting for an environment.", Labels: fn, Value: float64(s.Queued)},
		env("starting", s.Starting), env("idle", s.Idle), env("busy", s.Busy),
		{Name: "lambda_provisioned_environments", Help: "Provisioned environments among idle and busy.", Labels: fn, Value: float64(s.Provisioned)},
	}
}
