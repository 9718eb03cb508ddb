package router

import (
	"net/http"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Rehearsal is what the pipeline would do with a request, short of running the action: for
// `albatross explain`.
type Rehearsal struct {
	// Rejected is the status of the load balancer's own rejection before routing (400, 405,
	// 414, 463), or 0 when the request reached the rules.
	Rejected int
	// Index is the matched rule's index (routes[Index]), or -1 for the default rule.
	Index int
	// Exchange is the record as it stood when the action would have started.
	Exchange *observe.Exchange
	// Request is the request as the action would receive it: forwarding headers, trace header
	// and Host rewritten, the exchange in its context.
	Request *http.Request
}

// Rehearse runs the real pipeline on r (its checks, rule matching and header rewriting) with
// every action replaced by one that only records what it was given. r is modified as ServeHTTP
// would modify it. Nothing is observed.
func (rt *Router) Rehearse(r *http.Request) Rehearsal {
	out := Rehearsal{Index: -1}
	capture := func(index int) action.Handler {
		return actionFunc(func(_ http.ResponseWriter, r *http.Request) error {
			out.Index, out.Request, out.Exchange = index, r, observe.ExchangeFrom(r.Context())
			return nil
		})
	}
	dry := *rt
	dry.observer = nil
	dry.routes = make([]Route, len(rt.routes))
	for i, route := range rt.routes {
		dry.routes[i] = Route{Priority: route.Priority, Action: capture(i)}
	}
	dry.defaultAction = capture(-1)
	w := &discard{header: http.Header{}}
	dry.ServeHTTP(w, r)
	if out.Request == nil {
		out.Rejected = w.status
	}
	return out
}

// actionFunc adapts a function to action.Handler.
type actionFunc func(w http.ResponseWriter, r *http.Request) error

func (f actionFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) error { return f(w, r) }

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	header http.Header
	status int
}

func (d *discard) Header() http.Header { return d.header }

func (d *discard) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	return len(b), nil
}
