package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"
)

// serveRequest serves the head the buffer holds (n bytes) and reports whether the connection
// may carry another request (keep) or now belongs to a hijacker (gone).
func (c *conn) serveRequest(n int) (keep, gone bool) {
	raw := c.in.buf[c.in.r : c.in.r+n]
	c.in.r += n
	c.in.floor = c.in.r // the head stays put while the request is served
	h := &c.head
	c.received.Decide(h)
	c.received.Arrived = c.arrived
	if status := headStatus(h, &c.received, c.srv.Verdicts); status != 0 {
		c.writePage(status)
		return false, false
	}
	ctx, cancel := context.WithCancel(c.ctx)
	c.reqCancel.begin(ctx, cancel)
	defer c.cancelRequest()
	c.takeWriter()
	defer c.releaseWriter()
	r, ok := c.newRequest(ctx, raw)
	if !ok {
		c.writePage(http.StatusBadRequest)
		return false, false
	}
	if c.body != nil {
		// The body's reads have no deadline but the idle timeout the listener gives each
		// (TMO-01), set through the response. A request without a body keeps the head's
		// deadline: nothing reads the connection until the next head, but the watch, which
		// clears it for its read.
		c.setReadDeadline(time.Time{})
		c.forgetReadDeadline()
	}
	c.mu.Lock()
	c.cancel, c.hijacked, c.resumed, c.handlerDone = c.cancelRequest, false, false, false
	c.mu.Unlock()
	c.continueMu.Lock()
	c.canContinue = true
	c.continueMu.Unlock()
	c.resp.reset(c, r)
	if h.MustClose {
		c.resp.closeAfter = true // RFC 9112 section 6.1, said in the response
	}
	if c.body == nil {
		c.bodyDone() // no body: the client may be watched from the start
	}

	completed := c.runHandler(r)

	hijacked, resumed := c.endHandler()
	c.watch.handOver() // a read it left waiting is the next head's (serve)
	if hijacked {
		if !resumed {
			return false, true
		}
		// elberr answered on the connection and gave it back clean (it read the body).
		return !h.MustClose, false
	}
	if !completed {
		return false, false // the handler panicked: the response is cut
	}
	keep = c.resp.finish()
	clean := true
	if b := c.body; b != nil {
		b.mu.Lock()
		b.closed = true
		clean = b.drainLocked()
		b.mu.Unlock()
	}
	return keep && clean && !h.MustClose && !r.Close, false
}

// runHandler runs the handler and reports whether it returned normally. A panic cuts the
// connection; one that is not http.ErrAbortHandler is logged with its stack, as net/http does.
func (c *conn) runHandler(r *http.Request) (completed bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				buf = buf[:runtime.Stack(buf, false)]
				c.srv.logger().Error("http: panic serving request", slog.String("remote", c.remoteAddr),
					slog.Any("panic", v), slog.String("stack", string(buf)))
			}
			completed = false
		}
	}()
	c.srv.Handler.ServeHTTP(&c.resp, r)
	return true
}

// endHandler marks the handler finished and reports whether it hijacked the connection, and
// whether elberr resumed it.
func (c *conn) endHandler() (hijacked, resumed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlerDone = true
	c.cancel = nil
	if c.hijacked && !c.resumed {
		c.phase = phaseHijacked
	}
	return c.hijacked, c.resumed
}

func (c *conn) hijackedNow() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hijacked
}

// settleBody runs before the response's head goes out: it discards what the handler left of
// the body (up to maxDrain), so that the head can say Connection: close when the connection
// cannot be reused. It reports whether the body is entirely read.
func (c *conn) settleBody() bool {
	b := c.body
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.eof {
		return true
	}
	if b.expect {
		return false // the client still waits for 100 Continue: it need not send the body
	}
	// Not closed: a reader still at work (http.Transport sending the body) sees EOF, as with
	// net/http.
	return b.drainLocked()
}

// writeContinue sends 100 Continue before the first body read (LST-08), unless the response
// head already went out.
func (c *conn) writeContinue() {
	c.continueMu.Lock()
	defer c.continueMu.Unlock()
	if !c.canContinue {
		return
	}
	c.canContinue = false
	_, _ = c.out.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	_ = c.out.Flush()
}

// resume is elberr's way back (elberr.WithResume): after a page written on the hijacked
// connection, the loop may serve the connection again. It is called on the handler's goroutine,
// before the handler returns; anything else is closed.
func (c *conn) resume(rc net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hc, ok := rc.(*hijackedConn); ok && hc.c == c && c.hijacked && !c.handlerDone {
		c.resumed = true
		return
	}
	_ = rc.Close()
}
