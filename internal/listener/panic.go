package listener

import (
	"log/slog"
	"net/http"

	"github.com/albatross-lb/albatross/internal/observe"
)

// recoverPanic is the last guard of a request: the router answers its own panics with the ALB's
// 500, so what arrives here is a panic in the listener's own request code or in a handler that is
// not the router. It is logged at ERROR with its stack and counted
// (albatross_panics_total{component="listener"}) instead of net/http's debug-level line, and the
// connection is cut quietly (http.ErrAbortHandler), since whether a response started is unknown.
func (l *Listener) recoverPanic(r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v != http.ErrAbortHandler {
		observe.Panicked(r.Context(), l.log, "listener", v, slog.String("request", r.Method+" "+r.RequestURI))
	}
	panic(http.ErrAbortHandler)
}
