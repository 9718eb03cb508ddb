package server

import (
	"context"
	"io"
	"sync"
)

// requestCancel is the cancellation of the request a connection serves: its context's cancel,
// and the target connection a forwarder handed over to be closed with it (wire.CancelHook, in
// the connection's wire.Received). A forwarder that gives its connection here instead of
// calling context.AfterFunc on the request's context spares that function's allocations on
// every request; the request's context is canceled as before, for everyone else.
type requestCancel struct {
	mu     sync.Mutex
	ctx    context.Context // of the request being served
	cancel context.CancelFunc
	// held is the connection handed over; fired says the cancellation closed it.
	held  io.Closer
	fired bool
}

// begin makes ctx and its cancel the request's.
func (rc *requestCancel) begin(ctx context.Context, cancel context.CancelFunc) {
	rc.mu.Lock()
	rc.ctx, rc.cancel, rc.held, rc.fired = ctx, cancel, nil, false
	rc.mu.Unlock()
}

// cancelRequest cancels the request's context and closes the connection handed over, if any.
// It is the connection's only way to cancel a request (client gone, Server.Close, handler
// returned), so the hook never misses a cancellation.
func (rc *requestCancel) cancelRequest() {
	rc.mu.Lock()
	if rc.cancel != nil {
		// Under rc.mu: a connection handed over meanwhile either is taken here or finds the
		// context canceled (CloseOnCancel), never neither.
		rc.cancel()
	}
	var held io.Closer
	if rc.held != nil && !rc.fired {
		rc.fired, held = true, rc.held
	}
	rc.mu.Unlock()
	if held != nil {
		// On a goroutine of its own, as context.AfterFunc runs its function: the callers hold
		// the connection's lock, and closing a TLS connection may wait to send its alert.
		go func() { _ = held.Close() }()
	}
}

// Context is the request's context (wire.CancelHook).
func (rc *requestCancel) Context() context.Context {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.ctx
}

// Done is the request context's Done channel (wire.CancelHook).
func (rc *requestCancel) Done() <-chan struct{} {
	rc.mu.Lock()
	ctx := rc.ctx
	rc.mu.Unlock()
	if ctx == nil {
		return nil
	}
	return ctx.Done()
}

// CloseOnCancel implements wire.CancelHook.
func (rc *requestCancel) CloseOnCancel(c io.Closer) bool {
	rc.mu.Lock()
	if rc.held != nil || rc.ctx == nil {
		rc.mu.Unlock()
		return false
	}
	rc.held = c
	if rc.ctx.Err() == nil {
		rc.mu.Unlock()
		return true
	}
	rc.fired = true // canceled already: closed at once, as context.AfterFunc would
	rc.mu.Unlock()
	_ = c.Close()
	return true
}

// Release implements wire.CancelHook.
func (rc *requestCancel) Release(c io.Closer) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.held != c {
		return false
	}
	fired := rc.fired
	rc.held, rc.fired = nil, false
	return !fired
}
