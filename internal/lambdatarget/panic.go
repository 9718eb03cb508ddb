package lambdatarget

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// serveRecovered is serve with a panic (a bug building the event, invoking, or reading the
// function's answer) turned into the ALB's own exception for Lambda targets: 502
// LambdaUnhandledException, counted in LambdaInternalError (§8.3 "ALB internal exception", the
// 502 Albatross gives that reason everywhere, §12.4). The panic is logged at ERROR with its stack
// and counted in albatross_panics_total{component="lambda_target"}. Nothing has been written to
// the client when it is recovered: the response is written only after serve returns.
func (t *Target) serveRecovered(r *http.Request, ex *observe.Exchange) (resp *response, err *elberr.Error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		observe.Panicked(r.Context(), t.log, "lambda_target", v, slog.String("target_group_arn", t.opts.TargetGroupARN),
			slog.String("trace_id", ex.TraceID))
		resp, err = nil, internalError(http.StatusBadGateway, ReasonUnhandledException, fmt.Errorf("panic: %v", v))
	}()
	return t.serve(r, ex)
}
