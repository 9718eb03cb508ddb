package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// Server serves HTTP/1.x connections handed to ServeConn. Its fields must be set before the
// first ServeConn and not changed after.
type Server struct {
	// Handler serves every request.
	Handler http.Handler
	// IdleTimeout is TMO-01: the longest silence while waiting for a request head, within a
	// head, and (through the handler's deadlines) within a body or a response write. Zero
	// means 60 s.
	IdleTimeout time.Duration
	// ConnContext, when set, returns the context of a connection's requests; id is the
	// connection as ServeConn received it.
	ConnContext func(ctx context.Context, id net.Conn) context.Context
	// ConnState, when set, hears of a connection's states as net/http's does: StateNew,
	// StateActive (a head arrives), StateIdle, then StateHijacked or StateClosed.
	ConnState func(id net.Conn, state http.ConnState)
	// Verdicts says that Handler applies the desync mitigation mode to wire.Received (the
	// router does): a head whose body cannot be delimited is then handed to it without a body,
	// to be blocked and logged with its classification, and the connection closes after the
	// response whatever the handler does. Without it the loop answers such heads 400 itself.
	Verdicts bool
	// Refused, when set, hears of every request the loop answers itself with an ALB page
	// (refused heads, LIM-01's limits, 408), after the page went out: the access log's entry
	// for it. id is the connection as ServeConn received it. It must not block or keep r.
	Refused func(ctx context.Context, id net.Conn, r *elberr.Refusal)
	// OversizeHead, when set, takes a connection whose next request head exceeds LIM-01's
	// limits (the request line, a field line or the head), instead of the loop's 414 or 400:
	// it receives the connection, without a deadline, and the head's bytes read so far, and
	// serves it elsewhere (the Runtime API hands such heads to net/http, whose limit is 1 MB
	// as Lambda's). ServeConn then returns without closing the connection; it must not block.
	OversizeHead func(nc net.Conn, buffered []byte)
	// Log receives the panics of handlers that are not http.ErrAbortHandler. nil means
	// slog.Default().
	Log *slog.Logger

	mu       sync.Mutex
	conns    map[*conn]struct{}
	shutdown atomic.Bool

	// testHookIdleWait, set by tests before the first ServeConn, sees each wait for a head
	// without a read buffer.
	testHookIdleWait func(*readBuffer)
	// testHookWatch, set by tests before the first ServeConn, sees the client-gone watch's
	// read start ("read"), end while the handler runs ("ended"), the loop wait on it after a
	// hand-over ("waiting") and take it back ("taken: " and how it ended: bytes, timeout,
	// closed); watch.go.
	testHookWatch func(event string)
	// testHandoverWait, when set by tests, replaces handoverWait (watch.go).
	testHandoverWait time.Duration
}

func (s *Server) watchEvent(event string) {
	if s.testHookWatch != nil {
		s.testHookWatch(event)
	}
}

// ServeConn serves rw until the client closes it, an error or limit ends it, or a handler
// hijacks it; it returns then. id is what ConnContext and ConnState are given (a wrapper of rw
// that carries the connection's facts, or rw itself). The caller runs ServeConn on the
// connection's goroutine; ServeConn starts no other goroutine of its own except the short-lived
// client-gone watch of a request that waits (watch.go).
func (s *Server) ServeConn(id, rw net.Conn) {
	c := newConn(s, id, rw)
	if !s.track(c, true) {
		_ = rw.Close()
		if s.ConnState != nil {
			s.ConnState(id, http.StateClosed)
		}
		return
	}
	c.serve()
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return 60 * time.Second
}

func (s *Server) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// track adds or removes c; adding fails once Shutdown began.
func (s *Server) track(c *conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.conns, c)
		return true
	}
	if s.shutdown.Load() {
		return false
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	return true
}

// Shutdown stops s gracefully, as http.Server.Shutdown does: connections waiting for a request
// are closed, each busy one is closed after its response (which says Connection: close), and
// Shutdown returns when none is left, or with ctx's error when ctx ends first (the connections
// are then left to Close).
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Store(true)
	wait := time.Millisecond
	for {
		if s.closeIdle() == 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// closeIdle closes the connections that wait for a request and returns how many are left.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.closeIfIdle()
	}
	return len(s.conns)
}

// Close cuts every connection at once and cancels the requests in flight.
func (s *Server) Close() error {
	s.shutdown.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.cut()
	}
	return nil
}
