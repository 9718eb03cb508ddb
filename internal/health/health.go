// Package health runs the active health checks of target groups (§4.2, HC-01..HC-03): one
// checker per target, probing over HTTP(S) or by invoking a Lambda function, counting
// consecutive results against the thresholds and reporting each change of verdict through the
// small Reporter interface. It knows nothing of target groups or configuration.
package health

import (
	"context"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// Reason codes of failed checks (HC-04, API TargetHealth).
const (
	ReasonResponseCodeMismatch = "Target.ResponseCodeMismatch"
	ReasonTimeout              = "Target.Timeout"
	ReasonFailedHealthChecks   = "Target.FailedHealthChecks"
	// ReasonInternalError is the ALB's code for a check that failed through its own fault: here
	// a probe that panicked.
	ReasonInternalError = "Elb.InternalError"
)

// UserAgent is the User-Agent of every health check (HC-02, HC-03).
const UserAgent = "ELB-HealthChecker/2.0"

// Result is the outcome of one probe. Reason and Description say why a failed probe failed.
type Result struct {
	OK          bool
	Reason      string
	Description string
	// Answered reports that the target gave a status, Status: the HTTP status, a gRPC server's
	// grpc-status, or a function's statusCode. The health-check log writes it.
	Answered bool
	Status   int
	// noGRPCStatus marks a 200 reply to a gRPC check without a grpc-status.
	noGRPCStatus bool
}

// ProbeObserver hears of every probe's result, not only of verdict changes: the health-check
// log. A Reporter that also implements it gets ObserveProbe on the checker's goroutine after
// each probe, with when the probe began and how long it took; it must not block.
type ProbeObserver interface {
	ObserveProbe(start time.Time, latency time.Duration, res Result)
}

// Prober performs one health check. Probe returns when the check is judged or ctx ends (the
// check's timeout); it must be safe to call again after it returns.
type Prober interface {
	Probe(ctx context.Context) Result
}

// Settings are a target group's health-check timing and thresholds (§4.2), all required.
type Settings struct {
	// Interval is the time between the starts of two checks (5-300 s in AWS).
	Interval time.Duration
	// Timeout bounds one check (2-120 s); a check that runs out fails with Target.Timeout.
	Timeout time.Duration
	// HealthyThreshold is the consecutive successes an unhealthy target needs (2-10).
	HealthyThreshold int
	// UnhealthyThreshold is the consecutive failures that make a target unhealthy (2-10).
	UnhealthyThreshold int
}

// Verdict is what a checker reports: the target became healthy, or unhealthy for Reason.
type Verdict struct {
	Healthy     bool
	Reason      string
	Description string
}

// Reporter receives verdicts. ReportHealth is called from the checker's goroutine only when the
// verdict changes (state, reason or description), never concurrently for one checker.
type Reporter interface {
	ReportHealth(v Verdict)
}

// Run checks with p every s.Interval, starting at once, and reports verdict changes to rep until
// ctx ends. It blocks; the caller owns the goroutine. Each check is independent and its duration
// does not shift the next one (HC-01): checks start on a fixed ticker and Timeout < Interval.
func Run(ctx context.Context, p Prober, s Settings, rep Reporter) {
	RunFrom(ctx, Counter{}, p, s, rep)
}

// RunFrom is Run continuing from c, e.g. ResumeCounter's for a target whose verdict must not
// start over when its health-check settings change.
func RunFrom(ctx context.Context, c Counter, p Prober, s Settings, rep Reporter) {
	ticker := time.NewTicker(s.Interval)
	defer ticker.Stop()
	for {
		probeCtx, cancel := context.WithTimeout(ctx, s.Timeout)
		start := time.Now()
		res := probeRecovered(probeCtx, p)
		latency := time.Since(start)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if po, ok := rep.(ProbeObserver); ok {
			po.ObserveProbe(start, latency, res)
		}
		if v, changed := c.Observe(res, s); changed {
			rep.ReportHealth(v)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// probeRecovered is one probe whose panic (a bug) fails that check with Elb.InternalError
// instead of ending the checker, or the process: the panic is logged at ERROR with its stack and
// counted (albatross_panics_total{component="health_check"}), and the next check runs on time.
func probeRecovered(ctx context.Context, p Prober) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			observe.Panicked(ctx, nil, "health_check", v)
			res = Result{Reason: ReasonInternalError, Description: "Health checks failed due to an internal error"}
		}
	}()
	return p.Probe(ctx)
}
