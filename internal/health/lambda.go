package health

import (
	"context"

	"github.com/albatross-lb/albatross/internal/function"
	lambdatarget "github.com/albatross-lb/albatross/internal/target/lambda"
)

// LambdaProber checks a Lambda target by invoking its function with the HC-03 event and matching
// the returned statusCode against the matcher (§12.16). Each check is a normal invocation. It is
// safe for concurrent use.
type LambdaProber struct {
	invoker function.Invoker
	event   []byte
	codes   Codes
}

var _ Prober = (*LambdaProber)(nil)

// NewLambdaProber returns the prober for a Lambda target group: event is the HC-03 event (see
// lambdatarget.HealthCheckEvent); empty codes mean 200.
func NewLambdaProber(inv function.Invoker, event []byte, codes Codes) *LambdaProber {
	if len(codes) == 0 {
		codes = Codes{{200, 200}}
	}
	return &LambdaProber{invoker: inv, event: event, codes: codes}
}

// Probe invokes the function once. A function error, a throttle or an invalid response is a
// failed check (Target.FailedHealthChecks); running out of time is Target.Timeout.
func (p *LambdaProber) Probe(ctx context.Context) Result {
	if p.invoker == nil {
		return failed
	}
	resp, err := p.invoker.Invoke(ctx, p.event)
	switch {
	case err != nil && isTimeout(ctx, err):
		return timedOut
	case err != nil:
		return failed
	case resp.FunctionError != "":
		return Result{Reason: ReasonFailedHealthChecks, Description: "Lambda function error: " + resp.FunctionError}
	}
	status, err := lambdatarget.HealthCheckResult(resp.Payload)
	if err != nil {
		return Result{Reason: ReasonFailedHealthChecks, Description: "Lambda function returned an invalid response"}
	}
	if !p.codes.Match(status) {
		return mismatch(status)
	}
	return Result{OK: true}
}
