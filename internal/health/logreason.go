package health

import "github.com/albatross-lb/albatross/internal/observe"

// Check kinds, the health-check log's type field.
const (
	KindHTTP   = "http"
	KindHTTPS  = "https"
	KindH2     = "h2"
	KindGRPC   = "grpc"
	KindLambda = "lambda"
)

// LogReason is the health-check log's reason code for r, a result of a check of the given kind:
// "" for a pass; TimedOut for a check out of time; InternalError for Albatross's own fault;
// GRPCStatusHeaderEmpty for a gRPC reply without a status; GRPCUnexpectedStatus for a
// grpc-status outside the matcher; TargetError for a 5XX answer, or a function that failed or
// answered malformed JSON; ResponseCodeMismatch for another status outside the matcher; and
// ConnectionReset for a target that refused, reset or closed the connection without a valid
// answer. AWS's list has no code for a refused connection: ConnectionReset is the nearest
// (decision, docs/observability.md).
func (r Result) LogReason(kind string) string {
	switch {
	case r.OK:
		return ""
	case r.Reason == ReasonTimeout:
		return observe.HealthCheckTimedOut
	case r.Reason == ReasonInternalError:
		return observe.HealthCheckInternalError
	case r.noGRPCStatus:
		return observe.HealthCheckGRPCStatusHeaderEmpty
	case kind == KindGRPC && r.Reason == ReasonResponseCodeMismatch:
		return observe.HealthCheckGRPCUnexpectedStatus
	case r.Answered && r.Status >= 500:
		return observe.HealthCheckTargetError
	case r.Answered:
		return observe.HealthCheckResponseCodeMismatch
	case kind == KindLambda:
		return observe.HealthCheckTargetError
	}
	return observe.HealthCheckConnectionReset
}
