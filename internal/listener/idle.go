package listener

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// The idle timeout (TMO-01: no byte sent or received for that long closes the connection) holds
// in every phase of a request, not only while net/http waits for a request head:
//
//   - the request body: idleBody gives every body read a deadline of the idle timeout; a client
//     that stops sending mid-body gets 408 (the same answer as a client silent mid-head);
//   - the response: albConn pushes an HTTP/1 connection's write deadline out by the idle timeout
//     before every write, and idleWriter does the same per HTTP/2 stream, so a client that stops
//     reading is dropped and the target connection it pinned is released;
//   - WebSocket tunnels and target responses: the target connection's own idle deadline
//     (target/http) ends a tunnel or a response on which neither side sent anything.
//
// The wait for a target's answer is not the client's idleness: the read deadline is cleared once
// the body is read, so that net/http's background read (which watches for the client going away)
// does not cancel a request whose function runs longer than the idle timeout (§12.21).

// errClientIdle marks the body read that ran out of time; the router answers 408 for it.
func errClientIdle(idle time.Duration, cause error) *elberr.Error {
	return &elberr.Error{Status: http.StatusRequestTimeout, Source: elberr.SourceClient,
		Err: fmt.Errorf("no request body data from the client for the idle timeout (%s): %w", idle, cause)}
}

// idleBody is a request body whose reads time out after the idle timeout of silence.
// IdleTimedOut tells the router that the request failed because the client went quiet, whatever
// error the action then reports (a canceled context, a transport error).
type idleBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	idle     time.Duration
	done     bool // EOF or error seen: the deadline is cleared and no longer set
	timedOut atomic.Bool
}

func newIdleBody(body io.ReadCloser, w http.ResponseWriter, idle time.Duration) *idleBody {
	b := &idleBody{ReadCloser: body, rc: http.NewResponseController(w), idle: idle}
	// Set now, not only on the first Read: a handler that answers without reading the body (a
	// fixed response, a redirect, an early error) leaves net/http to discard it before the
	// response goes out, with reads the wrapper never sees. No read waits on the connection
	// meanwhile (net/http watches for the client going away only once the body is consumed), so
	// a deadline that passes while the target works fails nothing but that discard.
	_ = b.rc.SetReadDeadline(time.Now().Add(idle))
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(p)
	}
	_ = b.rc.SetReadDeadline(time.Now().Add(b.idle))
	n, err := b.ReadCloser.Read(p)
	if err == nil {
		return n, nil
	}
	b.done = true
	// Cleared at once: the background read net/http starts at EOF must wait for the client
	// without a deadline while the target works.
	_ = b.rc.SetReadDeadline(time.Time{})
	if isTimeout(err) {
		b.timedOut.Store(true)
		return n, errClientIdle(b.idle, err)
	}
	return n, err
}

// IdleTimedOut reports whether a body read ran out of the idle timeout.
func (b *idleBody) IdleTimedOut() bool { return b.timedOut.Load() }

// idleWriter gives every write of an HTTP/2 response a deadline of the idle timeout: a client
// that stops reading (no WINDOW_UPDATE for the stream) has the stream reset instead of holding
// the handler, and with it the target's response, forever. HTTP/1 connections get the same from
// albConn, below net/http's buffering. Unwrap keeps http.ResponseController working through it.
type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
}

func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *idleWriter) push() { _ = w.rc.SetWriteDeadline(time.Now().Add(w.idle)) }

func (w *idleWriter) WriteHeader(status int) {
	w.push()
	w.ResponseWriter.WriteHeader(status)
}

func (w *idleWriter) Write(b []byte) (int, error) {
	w.push()
	return w.ResponseWriter.Write(b)
}

func (w *idleWriter) Flush() {
	w.push()
	_ = w.rc.Flush()
}

// applyIdleTimeout wraps r's body and, on HTTP/2, w, so that idle applies to the request's body
// and response (see above).
func applyIdleTimeout(w http.ResponseWriter, r *http.Request, idle time.Duration) http.ResponseWriter {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = newIdleBody(r.Body, w, idle)
	}
	if r.ProtoMajor == 2 {
		return &idleWriter{ResponseWriter: w, rc: http.NewResponseController(w), idle: idle}
	}
	return w
}
