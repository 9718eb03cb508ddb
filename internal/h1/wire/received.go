package wire

import (
	"context"
	"time"
)

// Received is what the HTTP/1.1 connection loop learnt from the raw head of the request it is
// serving, for the code that handles the request: the head as it arrived (names in their case,
// for HTTP/1.1 targets) and what each desync mitigation mode does with it. The loop owns it and
// overwrites it for every request: it is valid only until the handler returns.
type Received struct {
	Head *Head
	// Actions is Mode.Decide(Head) for each Mode, indexed by Mode.
	Actions [3]Action
	// Cancel, when not nil, closes a target connection when the request is canceled
	// (CancelHook).
	Cancel CancelHook
	// Arrived is when the head began to arrive, as the loop read the clock for the head's idle
	// timeout: the load balancer's "received the request" (request_creation_time), without
	// a clock reading of the router's own.
	Arrived time.Time
}

// ArrivedAt is when the request whose context this is began to arrive, when the connection
// loop knows it; else now.
func ArrivedAt(ctx context.Context) time.Time {
	if r := ReceivedFrom(ctx); r != nil && !r.Arrived.IsZero() {
		return r.Arrived
	}
	return time.Now()
}

// Decide records the actions of every mode for h.
func (r *Received) Decide(h *Head) {
	r.Head = h
	for m := range r.Actions {
		r.Actions[m] = Mode(m).Decide(h)
	}
}

type receivedKey struct{}

// WithReceived returns a context carrying r. The connection loop puts it in the connection's
// context once, so that every request finds it without an allocation.
func WithReceived(ctx context.Context, r *Received) context.Context {
	return context.WithValue(ctx, receivedKey{}, r)
}

// ReceivedFrom returns the Received of the request whose context this is, or nil when the
// request did not come through the HTTP/1.1 connection loop (HTTP/2, tests, net/http's server).
func ReceivedFrom(ctx context.Context) *Received {
	r, _ := ctx.Value(receivedKey{}).(*Received)
	return r
}
