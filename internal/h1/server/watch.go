package server

import "time"

// The client going away must cancel its request (the router logs 460, a function invocation
// stops): net/http learns it from a read it starts on every request. Here a request that
// finishes quickly never pays for one: a per-connection timer starts the read only once the
// handler has run for watchDelay with the body fully read, on the timer's own short-lived
// goroutine. The read asks for all the free space of the read buffer: bytes it gets (a
// pipelined request) stay there for the next head; an EOF or error cancels the request.
//
// When the handler returns, a read still waiting is not interrupted but handed over (handOver):
// it is the first read of the next head, which the loop waits for (takeOver) instead of
// reading itself. A watched request so costs no system call and no allocation more than one
// that was not watched, only the watch's goroutine and its hand-off on done: before, a past read
// deadline ended the read, the loop waited for the watch's goroutine to notice, and the next
// head began with a read of its own that found nothing (EAGAIN) and parked again. The loop
// waits on a handed-over read for handoverWait at most; then it ends it and waits as every idle
// connection does, without a buffer.
//
// Who owns the read buffer (c.in), which the race detector cannot see for reads through
// internal/h1/sock (raceWritten makes it see the loop's own):
//   - From bodyDone until the watch is stopped or handed over and taken back, the handler and
//     the body no longer touch c.in (the body is at its end and answers EOF without reading),
//     and the loop runs the handler.
//   - While state is watchReading, the watch's goroutine owns c.in.buf[c.in.w:] and is the only
//     one to change c.in.r and c.in.w, under c.mu; it ends by sending on done under c.mu.
//   - The loop touches c.in again only after it received done (stop, takeOver) or, the read
//     having ended by itself (state watchOff), after draining done under c.mu (handOver, stop):
//     the channel and the mutex order the watch's writes before the loop's reads.

// watchDelay is how long a handler runs before its client is watched.
const watchDelay = 5 * time.Millisecond

// handoverWait is how long the loop waits on a handed-over read before it ends it: the longest
// a connection holds its read buffer and the watch's goroutine after a watched response, so
// that an idle connection still costs only its own goroutine (≤ 16 KiB, issue 14). A
// keep-alive client under load sends its next request within milliseconds; a slower one costs
// what every watched request cost before (a read ended by a deadline, then the idle wait).
const handoverWait = 100 * time.Millisecond

type watchState uint8

const (
	watchOff     watchState = iota // no request, or its body is still being read
	watchArmed                     // the timer runs
	watchReading                   // the read runs
)

type watch struct {
	c     *conn
	timer *time.Timer
	// The fields below are guarded by c.mu.
	state watchState
	// handedOver: the loop took the running read over as its next head's first; the read is
	// then not retried when the deadline fires: it goes back to the loop as it ends.
	handedOver bool
	// stopping: stop set a past read deadline to end the read.
	stopping bool
	// cleared: the watch cleared the read deadline (the head's fired while the handler ran), so
	// the loop no longer knows it (forgetReadDeadline).
	cleared bool
	// err is how the last read ended when it read nothing (EOF, reset, a deadline).
	err  error
	done chan struct{}
}

func (w *watch) init(c *conn) {
	w.c = c
	w.done = make(chan struct{}, 1)
}

// bodyDone is called once the request's body is entirely read (at once for a request without
// one): from now on, bytes on the connection belong to the next request, and the client may be
// watched.
func (c *conn) bodyDone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.handlerDone || c.hijacked || c.cancel == nil || c.watch.state != watchOff {
		return
	}
	c.watch.state = watchArmed
	if c.watch.timer == nil {
		c.watch.timer = time.AfterFunc(watchDelay, c.watch.run)
	} else {
		c.watch.timer.Reset(watchDelay)
	}
}

// run is the timer's goroutine: it reads into the free space of the buffer unless the handler
// finished meanwhile.
func (w *watch) run() {
	c := w.c
	c.mu.Lock()
	if w.state != watchArmed {
		c.mu.Unlock() // stopped meanwhile: the buffer is the loop's again
		return
	}
	if c.in.w == len(c.in.buf) && c.in.r == c.in.w {
		// The buffer is the watch's until the loop stops it: the body is read and the
		// handler does not touch it.
		c.in.r, c.in.w = c.in.floor, c.in.floor
	}
	if c.handlerDone || c.hijacked || c.in.buffered() > 0 || c.in.w == len(c.in.buf) {
		w.state = watchOff
		c.mu.Unlock()
		return
	}
	w.state = watchReading
	free := c.in.buf[c.in.w:]
	c.mu.Unlock()
	c.srv.watchEvent("read")

	n, err := c.in.readConn(free)
	for n == 0 && isTimeout(err) {
		// Either stop's past deadline, the loop's after a hand-over, or the head's, which a
		// request without a body keeps (serveRequest): then the watch clears it and waits on,
		// as long as the handler runs. Under c.mu, so that stop or handOver cannot come
		// between the check and the clear.
		c.mu.Lock()
		again := !w.stopping && !w.handedOver
		if again {
			_ = c.nc.SetReadDeadline(time.Time{})
			w.cleared = true
		}
		c.mu.Unlock()
		if !again {
			break
		}
		n, err = c.in.readConn(free)
	}

	c.mu.Lock()
	c.in.w += n
	w.err = nil
	if n == 0 {
		w.err = err
		if err != nil && !isTimeout(err) && c.cancel != nil {
			c.cancel() // the client closed or reset the connection while its request runs
		}
	}
	ended := !w.handedOver && !w.stopping
	w.state = watchOff
	w.done <- struct{}{} // under c.mu: the loop either waits for it or drains it
	c.mu.Unlock()
	if ended {
		c.srv.watchEvent("ended")
	}
}

// handOver ends the watch as the handler returns: a pending timer is stopped; a running read
// keeps running and becomes the next head's first read, which takeOver waits for. Whatever
// then ends the connection instead of reading a head (a close, a hijack, Shutdown) stops it.
func (w *watch) handOver() {
	c := w.c
	c.mu.Lock()
	defer c.mu.Unlock()
	switch w.state {
	case watchArmed:
		w.timer.Stop()
		w.state = watchOff
	case watchReading:
		w.handedOver = true
		return // takeOver sets the deadline the loop then knows
	case watchOff:
		select {
		case <-w.done: // a read that ended by itself (bytes, EOF, reset)
		default:
		}
	}
	if w.cleared {
		w.cleared = false
		c.forgetReadDeadline()
	}
}

// takeOver waits for a handed-over read before the loop reads the next head, with the deadline
// of an idle wait (idleUntil) but no later than handoverWait from now; without one it returns
// at once. It returns when the wait for the head ends (idleUntil, or the idle timeout from now
// when the head began in the handed-over read), or false when the connection is over: the
// client closed or reset it, or was silent for the idle timeout. A read ended by the
// handoverWait deadline leaves the loop to wait as any idle connection does.
func (w *watch) takeOver(idleUntil time.Time) (time.Time, bool) {
	if !w.handedOver { // only the loop's goroutine sets it
		return idleUntil, true
	}
	c := w.c
	// The watch no longer touches the deadline (handedOver); setting it on the connection
	// applies to the read already waiting.
	limit := handoverWait
	if c.srv.testHandoverWait != 0 {
		limit = c.srv.testHandoverWait
	}
	wait := idleUntil
	if limit < c.idle {
		wait = idleUntil.Add(limit - c.idle)
	}
	c.setReadDeadline(wait)
	c.srv.watchEvent("waiting")
	<-w.done
	c.mu.Lock()
	err := w.err
	w.handedOver, w.cleared, w.err = false, false, nil
	c.mu.Unlock()
	if err == nil {
		// Bytes, now in c.in: the head began, and has the idle timeout from now (readHead).
		c.srv.watchEvent("taken: bytes")
		return time.Now().Add(c.idle), true
	}
	if isTimeout(err) {
		c.srv.watchEvent("taken: timeout")
		return idleUntil, time.Now().Before(idleUntil)
	}
	c.srv.watchEvent("taken: closed")
	return idleUntil, false
}

// stop ends the watch for good before the loop or a hijacker uses the connection otherwise: a
// pending timer is stopped, a running read (handed over or not) is interrupted by a past
// deadline and waited for. The past deadline stays: the next head sets its own
// (armHeadDeadline), a hijacker or a lingering close theirs.
func (w *watch) stop() {
	c := w.c
	c.mu.Lock()
	state := w.state
	switch state {
	case watchArmed:
		w.timer.Stop()
		w.state = watchOff
	case watchOff:
		select {
		case <-w.done: // a read that ended by itself
		default:
		}
	case watchReading:
		w.stopping = true
		_ = c.nc.SetReadDeadline(time.Unix(1, 0))
	}
	c.mu.Unlock()
	if state == watchReading {
		<-w.done
	}
	c.mu.Lock()
	forget := w.cleared || state == watchReading
	w.stopping, w.handedOver, w.cleared, w.err = false, false, false, nil
	c.mu.Unlock()
	if forget {
		c.forgetReadDeadline()
	}
}
