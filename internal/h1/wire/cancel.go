package wire

import (
	"context"
	"io"
)

// CancelHook is the HTTP/1.1 connection loop's own way to end a target exchange when the request
// it serves is canceled (its client went away, the server closed): the code forwarding the
// request hands over the target connection, and the loop closes it as it cancels the request.
// It does what context.AfterFunc on the request's context does, without that function's
// allocations per request (a context, two closures and an entry in the request context's map
// of children). The loop gives it in Received.Cancel; it is valid only until the handler
// returns.
type CancelHook interface {
	// Context is the request's context. A context that is it, or adds only values to it (see
	// ValueContext), may use the hook without asking for its Done channel, which the request's
	// context would otherwise make for the comparison below.
	Context() context.Context
	// Done is the Done channel of the request's context. A context whose Done is another one
	// (derived with a cancellation of its own, or none) must not use the hook: the hook knows
	// only the request's own cancellation.
	Done() <-chan struct{}
	// CloseOnCancel has c closed when the request is canceled, at once when it already is. It
	// reports false, taking nothing, when the hook already holds a connection: the caller
	// watches the context itself.
	CloseOnCancel(c io.Closer) bool
	// Release takes c back, once the exchange is over. It reports false when the cancellation
	// closed c (or is closing it), as context.AfterFunc's stop does.
	Release(c io.Closer) bool
}

// ValueContext is a context that adds values to its parent and nothing else: no cancellation,
// deadline or Done channel of its own (the router's observe.ExchangeContext). Code looking for
// the request's own context (CancelHook.Context) may look through it.
type ValueContext interface {
	context.Context
	// ValueParent is the context whose cancellation this one has.
	ValueParent() context.Context
}

// SameCancellation reports whether ctx is the context want or adds only values to it
// (ValueContext), so that ctx is canceled exactly when want is. It asks no context for its
// Done channel. False means "unknown": the caller compares Done channels instead.
func SameCancellation(ctx, want context.Context) bool {
	for ctx != want {
		vc, ok := ctx.(ValueContext)
		if !ok {
			return false
		}
		ctx = vc.ValueParent()
	}
	return true
}
