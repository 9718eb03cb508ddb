package lambdatarget

import (
	"context"

	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/health"
)

// HealthProber checks a Lambda target by invoking its function with the HC-03 event and matching
// the returned statusCode against the matcher (§12.16). Each check is a normal invocation. It is
// safe for concurrent use.
type HealthProber struct {
	invoker Invoker
	event   []byte
	codes   health.Codes
}

var _ health.Prober = (*HealthProber)(nil)

// NewHealthProber returns the prober for a Lambda target group: event is the HC-03 event (see
// HealthCheckEvent); empty codes mean 200.
func NewHealthProber(inv Invoker, event []byte, codes health.Codes) *HealthProber {
	if len(codes) == 0 {
		codes = health.Codes{{Lo: 200, Hi: 200}}
	}
	return &HealthProber{invoker: inv, event: event, codes: codes}
}

// Probe invokes the function once. A function error, a throttle or an invalid response is a
// failed check (Target.FailedHealthChecks); running out of time is Target.Timeout.
func (p *HealthProber) Probe(ctx context.Context) health.Result {
	if p.invoker == nil {
		return health.Failed
	}
	resp, err := p.invoker.InvokeWith(ctx, function.Invocation{Payload: p.event})
	switch {
	case err != nil && health.IsTimeout(ctx, err):
		return health.TimedOut
	case err != nil:
		return health.Failed
	case resp.FunctionError != "":
		return health.Result{Reason: health.ReasonFailedHealthChecks, Description: "Lambda function error: " + resp.FunctionError}
	}
	status, err := HealthCheckResult(resp.Payload)
	if err != nil {
		return health.Result{Reason: health.ReasonFailedHealthChecks, Description: "Lambda function returned an invalid response"}
	}
	if !p.codes.Match(status) {
		return health.Mismatch(status)
	}
	return health.Passed(status)
}
