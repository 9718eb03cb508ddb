package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/h1/sock"
	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// phase is where a connection's loop is; the Server reads it to close idle connections.
type phase uint8

const (
	phaseIdle     phase = iota // waiting for a head, nothing of it received
	phaseActive                // reading a head or serving a request
	phaseHijacked              // a handler owns the connection for good
	phaseClosed
)

// conn is one client connection. Its goroutine (serve) owns the read buffer, the head and the
// response; a handler's other goroutines reach the connection only through the request body
// (body.mu) and the response writer, which the handler must stop using when it returns, as
// with net/http.
type conn struct {
	srv        *Server
	id, nc     net.Conn
	ctx        context.Context
	remoteAddr string
	idle       time.Duration

	in       readBuffer
	head     wire.Head
	received wire.Received
	// arrived is when the head being read began to arrive (wire.Received.Arrived); only the
	// loop's goroutine uses it.
	arrived time.Time
	// out buffers the response; it is taken from writers for a request and given back after,
	// so an idle connection holds no output buffer.
	out     *bufio.Writer
	buffers *outputBuffers
	dw      deadlineWriter
	resp    response
	body    *body // of the request being served, nil when it has none
	// readDeadline is the read deadline the loop last set on the connection (zero: not known,
	// set the next); only the loop's goroutine uses it (armHeadDeadline).
	readDeadline time.Time
	// readDeadlineMoved: a handler set the read deadline (response.SetReadDeadline) since.
	readDeadlineMoved atomic.Bool

	// continueMu orders an interim 100 Continue (written by a body read, possibly on another
	// goroutine) before the response's head.
	continueMu  sync.Mutex
	canContinue bool

	// reqCancel cancels the request being served; cancelRequest is its method value, made
	// once per connection.
	reqCancel     requestCancel
	cancelRequest context.CancelFunc

	mu     sync.Mutex // guards the fields below
	phase  phase
	cancel context.CancelFunc // of the request being served: cancelRequest, or nil
	watch  watch
	// resumed: elberr gave a hijacked connection back (elberr.WithResume); hijacked: a
	// handler took it.
	hijacked, resumed, handlerDone bool
}

func newConn(s *Server, id, nc net.Conn) *conn {
	c := &conn{srv: s, id: id, nc: nc, idle: s.idleTimeout()}
	c.in = readBuffer{nc: nc, raw: rawConnOf(nc), onIdleWait: s.testHookIdleWait}
	if c.in.raw == nil {
		c.in.buf = make([]byte, initialBuffer)
	} else {
		c.in.sock = sock.New(nc)
	}
	c.dw.c = c
	c.dw.deadline = c.writeDeadline
	if ra := nc.RemoteAddr(); ra != nil {
		c.remoteAddr = ra.String()
	}
	ctx := context.Background()
	if s.ConnContext != nil {
		ctx = s.ConnContext(ctx, id)
	}
	// ALB pages elberr writes on the hijacked connection come back here (raw path).
	ctx = elberr.WithResume(ctx, c.resume)
	c.cancelRequest = c.reqCancel.cancelRequest
	if ctx.Done() == nil {
		// Nothing but the loop cancels its requests: the loop can close a forwarder's target
		// connection as it does (wire.CancelHook).
		c.received.Cancel = &c.reqCancel
	}
	c.ctx = wire.WithReceived(ctx, &c.received)
	c.watch.init(c)
	return c
}

func (c *conn) setState(state http.ConnState) {
	if c.srv.ConnState != nil {
		c.srv.ConnState(c.id, state)
	}
}

// serve is the connection's loop: a head, its request, its response, again, until the
// connection must close.
func (c *conn) serve() {
	c.setState(http.StateNew)
	hijacked := false
	defer func() {
		c.srv.track(c, false)
		if hijacked {
			c.setState(http.StateHijacked)
			return
		}
		c.mu.Lock()
		c.phase = phaseClosed
		c.mu.Unlock()
		_ = c.nc.Close()
		c.setState(http.StateClosed)
	}()
	for {
		want, open := c.watch.takeOver(time.Now().Add(c.idle))
		c.arrived = want.Add(-c.idle) // bytes already buffered, or read by the watch, came by then
		if !open {
			return // the client left, or stayed silent, during a handed-over read
		}
		c.in.startHead()
		if c.in.buffered() == 0 && c.in.raw != nil {
			// The connections the poller already woke go first: by the time this one reads,
			// its client has most often sent the next request, and the read that would find
			// nothing (EAGAIN, a park, the poller's wake-up) is not made. nginx reads only
			// what its event loop reported ready; this is the nearest a goroutine gets
			// (docs/engine.md, "Reads that find nothing").
			runtime.Gosched()
		}
		n, err := c.readHead(want)
		if err != nil {
			if c.handOverOversize(err) {
				hijacked = true
				return
			}
			c.refuseHead(err)
			return
		}
		keep, gone := c.serveRequest(n)
		if gone {
			hijacked = true
			return
		}
		if !keep {
			c.watch.stop() // a handed-over read would take the lingering close's bytes
			c.closeGracefully()
			return
		}
		c.mu.Lock()
		c.phase = phaseIdle
		c.mu.Unlock()
		c.setState(http.StateIdle)
		if c.srv.shutdown.Load() {
			c.watch.stop() // what a handed-over read got is buffered, or never will be
			if c.in.buffered() == 0 {
				return
			}
		}
	}
}

// errHeadTimeout is a head that did not arrive within the idle timeout after it began.
var errHeadTimeout = errors.New("h1: request head timed out")

// readHead reads until the buffer holds a whole head and parses it: the connection may stay
// silent until want (the idle timeout), and a head has an idle timeout from its first byte.
// Only a buffer that may now end in the head's empty line is parsed, so that a head trickling
// in a byte at a time costs one parse, not one per byte; a buffer that doubled since the last
// parse is parsed too, so that a limit is reported before the buffer is full.
func (c *conn) readHead(want time.Time) (int, error) {
	begun := c.in.buffered() > 0
	if begun {
		c.activate()
	}
	c.armHeadDeadline(want)
	parsedAt := -1
	scanFrom := c.in.r
	for {
		if b := c.in.buf[c.in.r:c.in.w]; len(b) > 0 && (mayEndHead(c.in.buf[max(scanFrom-2, c.in.r):c.in.w]) || len(b) >= 2*parsedAt+2*1024) {
			parsedAt = len(b)
			n, err := c.head.Parse(b)
			if err == nil {
				return n, nil
			}
			if err != wire.ErrIncomplete {
				return 0, err
			}
		}
		scanFrom = c.in.w
		got, err := c.in.fill()
		if got > 0 {
			if !begun {
				begun = true
				c.activate()
				// The head has the idle timeout from its first byte, as net/http's
				// ReadHeaderTimeout.
				c.arrived = time.Now()
				want = c.arrived.Add(c.idle)
				c.armHeadDeadline(want)
			}
			if scanFrom < c.in.r {
				scanFrom = c.in.r // fill moved the bytes
			}
			continue
		}
		if err == nil {
			continue
		}
		if isTimeout(err) && time.Now().Before(want) {
			// A deadline kept from before (armHeadDeadline) fired early: wait until the
			// exact one.
			c.setReadDeadline(want)
			continue
		}
		if b := c.in.buf[c.in.r:c.in.w]; parsedAt != len(b) {
			// The head ends here unparsed (it holds the previous request, or less than what
			// arrived): a refusal logs what can be read of this one (recordRefusal).
			_, _ = c.head.Parse(b)
		}
		if errors.Is(err, errBufferFull) {
			return 0, wire.ErrHeadTooLarge
		}
		if isTimeout(err) && begun {
			return 0, errHeadTimeout
		}
		return 0, err
	}
}

// armHeadDeadline gives the head read the deadline want (now plus the idle timeout), unless the
// deadline already set is still ahead and less than half an idle timeout short of it: on a
// keep-alive connection the loop then moves its runtime timer about twice per idle timeout
// instead of twice per request. One that fires early is not obeyed (readHead sets want and
// reads on), so the idle and head timeouts stay exact. "Ahead" is judged at the time want was
// taken (want less the idle timeout), a clock reading spared per request: a deadline that passed
// since then only fires early.
func (c *conn) armHeadDeadline(want time.Time) {
	if c.readDeadlineMoved.Load() {
		c.readDeadlineMoved.Store(false)
		c.forgetReadDeadline()
	}
	if set := c.readDeadline; !set.IsZero() && want.Sub(set) < c.idle/2 && set.After(want.Add(-c.idle)) {
		return
	}
	c.setReadDeadline(want)
}

// setReadDeadline sets the connection's read deadline and remembers it for armHeadDeadline.
func (c *conn) setReadDeadline(t time.Time) {
	_ = c.nc.SetReadDeadline(t)
	c.readDeadline = t
}

// forgetReadDeadline is called where the read deadline may have been changed behind the loop's
// back (a hijacker, a body's idle timeout, the watch): the next head sets its own.
func (c *conn) forgetReadDeadline() { c.readDeadline = time.Time{} }

// mayEndHead reports whether b holds an empty line's terminator: a head ends there.
func mayEndHead(b []byte) bool {
	return bytes.Contains(b, []byte("\n\n")) || bytes.Contains(b, []byte("\n\r\n"))
}

func (c *conn) activate() {
	c.mu.Lock()
	c.phase = phaseActive
	c.mu.Unlock()
	c.setState(http.StateActive)
}

// refuseHead answers a head that could not be read: LIM-02's status for a limit, 408 for a
// client that went quiet mid-head (TMO-01), nothing for a client that left or stayed silent.
func (c *conn) refuseHead(err error) {
	switch {
	case errors.Is(err, wire.ErrRequestLineTooLong):
		c.writePage(http.StatusRequestURITooLong)
	case errors.Is(err, wire.ErrHeaderLineTooLong), errors.Is(err, wire.ErrHeadTooLarge), errors.Is(err, wire.ErrEmptyLines):
		c.writePage(http.StatusBadRequest)
	case errors.Is(err, errHeadTimeout):
		c.writePage(http.StatusRequestTimeout)
	}
}

// writePage sends the ALB's page for status with Connection: close and closes gracefully: the
// loop's own refusals, before any handler runs.
func (c *conn) writePage(status int) {
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.idle))
	sent, _ := c.nc.Write(elberr.RawResponse(status))
	c.recordRefusal(status, sent)
	c.closeGracefully()
}

// closeGracefully is net/http's lingering close (closeWriteAndWait): it half-closes, so that the
// client reads the last response to its end, then discards what the client still sends until
// the client closes, lingerTimeout passes, or maxLingerBytes arrived. Closing with unread bytes
// would answer them with a reset, and a reset destroys the response in the client's buffers
// before it reads it: a client still sending a body the handler refused unread (an early 413)
// would see "broken pipe" instead of the answer. Past the byte cap it stops reading but still
// waits out lingerTimeout, as net/http does without reading at all, so the client has that long
// to read the answer while its writes wait on the full window. So a hostile client holds the
// connection's goroutine for lingerTimeout at most and costs at most maxLingerBytes of reading.
func (c *conn) closeGracefully() {
	lingerClose(c.nc)
}

// lingerClose closes nc after a lingering wait (closeGracefully); nc may be a hijacked
// connection (elberr's pages).
func lingerClose(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		deadline := time.Now().Add(lingerTimeout)
		_ = nc.SetReadDeadline(deadline)
		n, err := io.Copy(io.Discard, io.LimitReader(nc, maxLingerBytes))
		if err == nil && n == maxLingerBytes {
			time.Sleep(time.Until(deadline)) // the client is still sending: see closeGracefully
		}
	}
	_ = nc.Close()
}

// lingerTimeout bounds closeGracefully's wait; maxLingerBytes its reading.
const (
	lingerTimeout  = 500 * time.Millisecond
	maxLingerBytes = 256 << 10
)

// closeIfIdle closes the connection when it waits for a request with nothing of it received
// (Server.Shutdown).
func (c *conn) closeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase == phaseIdle {
		c.phase = phaseClosed
		_ = c.nc.Close()
	}
}

// cut closes the connection whatever it does and cancels its request (Server.Close).
func (c *conn) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase == phaseHijacked {
		return
	}
	_ = c.nc.Close()
	if c.cancel != nil {
		c.cancel()
	}
}

func isTimeout(err error) bool {
	ne, ok := errors.AsType[net.Error](err) // errors.As would move ne to the heap on every call
	return ok && ne.Timeout()
}

// writers are the output buffers of connections serving a request, with the response's
// buffer for its first bytes (bufferBeforeChunking).
var writers = sync.Pool{New: func() any {
	return &outputBuffers{w: bufio.NewWriterSize(nil, 4<<10), pending: make([]byte, 0, bufferBeforeChunking)}
}}

type outputBuffers struct {
	w       *bufio.Writer
	pending []byte
}

func (c *conn) takeWriter() {
	c.buffers = writers.Get().(*outputBuffers)
	c.out = c.buffers.w
	c.out.Reset(&c.dw)
}

func (c *conn) releaseWriter() {
	c.out.Reset(nil)
	if cap(c.resp.pending) == bufferBeforeChunking {
		c.buffers.pending = c.resp.pending[:0]
	}
	c.resp.pending = nil
	writers.Put(c.buffers)
	c.out, c.buffers = nil, nil
}

// deadlineWriter is the response's way to the connection: every write must make progress
// within the idle timeout (TMO-01), so that a client that stops reading is dropped instead of
// pinning its handler and the target's response. On a raw socket the deadline is set only once
// the client's receive window is full (sock.WriteWithin): the write that goes through at once,
// nearly every one, moves no timer.
type deadlineWriter struct {
	c        *conn
	deadline func() time.Time // c.writeDeadline, made once per connection
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if s := w.c.in.sock; s != nil {
		return s.WriteWithin(p, w.deadline)
	}
	_ = w.c.nc.SetWriteDeadline(time.Now().Add(w.c.idle))
	return w.c.nc.Write(p)
}

func (c *conn) writeDeadline() time.Time { return time.Now().Add(c.idle) }
