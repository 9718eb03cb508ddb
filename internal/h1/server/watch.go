package server

import "time"

// The client going away must cancel its request (the router logs 460, a function invocation
// stops): net/http learns it from a read it starts on every request. Here a request that
// finishes quickly never pays for one: a per-connection timer starts the read only once the
// handler has run for watchDelay with the body fully read, on the timer's own short-lived
// goroutine, and the loop stops it when the handler returns. A byte it reads (a pipelined
// request) goes to the read buffer; an EOF or error cancels the request.

// watchDelay is how long a handler runs before its client is watched.
const watchDelay = 5 * time.Millisecond

type watchState uint8

const (
	watchOff     watchState = iota // no request, or its body is still being read
	watchArmed                     // the timer runs
	watchReading                   // the read runs
)

type watch struct {
	c     *conn
	timer *time.Timer
	state watchState // guarded by c.mu
	ran   bool       // a read was started since the last stop; guarded by c.mu
	// stopping: stop set a past read deadline to end the read; guarded by c.mu.
	stopping bool
	done     chan struct{}
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

// run is the timer's goroutine: it reads one byte unless the handler finished meanwhile.
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
	if w.state != watchArmed || c.handlerDone || c.hijacked || c.in.buffered() > 0 || c.in.w == len(c.in.buf) {
		w.state = watchOff
		c.mu.Unlock()
		return
	}
	w.state = watchReading
	w.ran = true
	cancel := c.cancel
	slot := c.in.buf[c.in.w : c.in.w+1]
	c.mu.Unlock()

	n, err := c.nc.Read(slot)
	for n == 0 && isTimeout(err) {
		// Either stop's past deadline, or the head's, which a request without a body keeps
		// (serveRequest): then the watch clears it and waits on, as long as the handler runs.
		// Under c.mu, so that stop's deadline cannot come between the check and the clear.
		c.mu.Lock()
		stopping := w.stopping
		if !stopping {
			_ = c.nc.SetReadDeadline(time.Time{})
		}
		c.mu.Unlock()
		if stopping {
			break
		}
		n, err = c.nc.Read(slot)
	}

	c.mu.Lock()
	if n == 1 {
		c.in.w++
	}
	if n == 0 && err != nil && !isTimeout(err) && cancel != nil {
		cancel() // the client closed or reset the connection
	}
	w.state = watchOff
	w.done <- struct{}{} // under c.mu: stop either waits for it or drains it
	c.mu.Unlock()
}

// stop ends the watch before the loop uses the connection again: a pending timer is stopped, a
// running read is interrupted by a past deadline and waited for. The past deadline stays: the
// next head read sets its own, so a watched request costs the read timer one move here.
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
	}
	ran := state == watchReading || state == watchOff && w.ran
	w.ran = false
	if state == watchReading {
		w.stopping = true
		_ = c.nc.SetReadDeadline(time.Unix(1, 0))
	}
	c.mu.Unlock()
	if !ran {
		return
	}
	// The watch may have cleared the read deadline, and stop leaves a past one: the next head
	// sets its own (armHeadDeadline).
	c.forgetReadDeadline()
	if state != watchReading {
		return
	}
	<-w.done
	c.mu.Lock()
	w.stopping = false
	c.mu.Unlock()
}
