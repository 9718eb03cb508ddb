package lambdatarget

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/function"
)

// Access-log error_reason values for Lambda targets (§5.4, §8.3).
const (
	ReasonUnhandled             = "LambdaUnhandled"
	ReasonThrottling            = "LambdaThrottling"
	ReasonInvalidResponse       = "LambdaInvalidResponse"
	ReasonResponseTooLarge      = "LambdaResponseTooLarge"
	ReasonRequestTooLarge       = "LambdaRequestTooLarge"
	ReasonWebsocketNotSupported = "LambdaWebsocketNotSupported"
	ReasonBadRequest            = "LambdaBadRequest"
	ReasonConnectionTimeout     = "LambdaConnectionTimeout"
	ReasonServiceException      = "LambdaServiceException"
	ReasonUnhandledException    = "LambdaUnhandledException"
	ReasonInvalidRuntime        = "LambdaInvalidRuntimeException"
)

// StatusClientClosed is ALB's 460: the client went away while the function ran (§7).
const StatusClientClosed = 460

// userError is a failure counted in LambdaUserError: the function or the request is to blame.
func userError(status int, reason string, cause error) *elberr.Error {
	return &elberr.Error{Status: status, Reason: reason, Source: elberr.SourceFunction, Err: cause}
}

// internalError is a failure counted in LambdaInternalError: the function machinery failed.
func internalError(status int, reason string, cause error) *elberr.Error {
	return &elberr.Error{Status: status, Reason: reason, Source: elberr.SourceLambdaService, Err: cause}
}

// invalidResponse is LAM-22/23's 502. The detail is always kept in Err for the logs; the caller
// copies it into Detail (sent to the client) only in strict mode.
func invalidResponse(format string, args ...any) *elberr.Error {
	return userError(http.StatusBadGateway, ReasonInvalidResponse, fmt.Errorf(format, args...))
}

// invokeError maps what Invoker.Invoke returned as a Go error to the ALB's answer (§5.4, §12.4).
// ctx is the request's context, to tell a client that left (460) from everything else.
func invokeError(ctx context.Context, err error) *elberr.Error {
	switch {
	case errors.Is(err, function.ErrThrottled):
		return userError(http.StatusBadGateway, ReasonThrottling, err)
	case errors.Is(err, function.ErrRequestTooLarge):
		// Cannot happen below the 1 MiB body limit (LAM-03), but if the event ever exceeds
		// Lambda's 6 MB invoke limit it is still the request that is too large.
		return userError(http.StatusRequestEntityTooLarge, ReasonRequestTooLarge, err)
	case errors.Is(err, function.ErrResponseTooLarge):
		return userError(http.StatusBadGateway, ReasonResponseTooLarge, err)
	case errors.Is(err, function.ErrInvalidRuntime):
		// §5.4: a function Lambda cannot start is the user's error; the status is not documented
		// and we answer 502 like every other invocation failure (docs/import.md).
		return userError(http.StatusBadGateway, ReasonInvalidRuntime, err)
	case errors.Is(err, function.ErrStopped):
		// The function was removed or is shutting down under the request: the ALB answers 5XX
		// for in-flight requests of a deregistered function (ALG-04); we blame the service.
		return internalError(http.StatusBadGateway, ReasonServiceException, err)
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return &elberr.Error{Status: StatusClientClosed, Source: elberr.SourceClient, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		// TMO-02: the Lambda service did not answer in time.
		return internalError(http.StatusGatewayTimeout, ReasonConnectionTimeout, err)
	default:
		return internalError(http.StatusBadGateway, ReasonUnhandledException, err)
	}
}

// functionError is the 502 for a response with FunctionError set: an unhandled error, a crash or
// a timeout. A timeout is reported by Lambda as a function error too, so it gets LambdaUnhandled
// like any other (§12.4); the log message still says it timed out.
func functionError(resp *function.Response) *elberr.Error {
	what := "function error " + resp.FunctionError
	if isTimeout(resp.Payload) {
		what = "function timed out"
	}
	cause := fmt.Errorf("%s (request %s): %s", what, resp.RequestID, truncate(resp.Payload, 256))
	return userError(http.StatusBadGateway, ReasonUnhandled, cause)
}

// isTimeout recognises Lambda's timeout error payload (Sandbox.Timedout, "Task timed out after").
func isTimeout(payload []byte) bool {
	return bytes.Contains(payload, []byte("Sandbox.Timedout")) ||
		bytes.Contains(payload, []byte("Task timed out after"))
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}
