package wire

import "io"

// CancelHook is the HTTP/1.1 connection loop's own way to end a target exchange when the request
// it serves is canceled (its client went away, the server closed): the code forwarding the
// request hands over the target connection, and the loop closes it as it cancels the request.
// It does what context.AfterFunc on the request's context does, without that function's
// allocations per request (a context, two closures and an entry in the request context's map
// of children). The loop gives it in Received.Cancel; it is valid only until the handler
// returns.
type CancelHook interface {
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
