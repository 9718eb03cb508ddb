package client

import (
	"context"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// cancelHook returns the connection loop's hook into the cancellation of ctx (wire.CancelHook),
// or nil when ctx did not come from the loop or has a cancellation the hook does not know: a
// context derived with its own cancel or deadline, or none at all, has another Done channel
// than the request's (the test context.AfterFunc itself makes of a parent).
func cancelHook(ctx context.Context) wire.CancelHook {
	rcv := wire.ReceivedFrom(ctx)
	if rcv == nil || rcv.Cancel == nil {
		return nil
	}
	if wire.SameCancellation(ctx, rcv.Cancel.Context()) {
		return rcv.Cancel // the common case, without making the request context's Done channel
	}
	if done := ctx.Done(); done == nil || done != rcv.Cancel.Done() {
		return nil
	}
	return rcv.Cancel
}
