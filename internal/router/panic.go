package router

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// recoverPanic keeps a bug in the pipeline (rule matching, a transform, an action, the proxy)
// from reaching net/http, which would reset the connection and log it below the default level.
// The panic is logged at ERROR with its stack and counted (albatross_panics_total{component=
// "router"}); the client gets the ALB's 500 (§7: the load balancer's own failures, such as a
// transform that fails, TRF-04), or, when the response had already started, a cut connection,
// as for any failure after the headers. http.ErrAbortHandler is that deliberate cut and passes on.
func (rt *Router) recoverPanic(w *recorder, r *http.Request, ex *observe.Exchange) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	observe.Panicked(r.Context(), rt.log, "router", v, slog.String("trace_id", ex.TraceID),
		slog.String("request", r.Method+" "+r.RequestURI))
	if w.status != 0 {
		panic(http.ErrAbortHandler)
	}
	err := &elberr.Error{Status: http.StatusInternalServerError, Source: elberr.SourceLoadBalancer, Err: panicError(v)}
	elberr.Write(w, r, err, rt.settings.ServerHeader)
}

// errPanic marks an error made from a recovered panic.
var errPanic = errors.New("panic")

func panicError(v any) error { return fmt.Errorf("%w: %v", errPanic, v) }
