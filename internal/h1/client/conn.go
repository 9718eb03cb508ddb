package client

import (
	"bufio"
	"io"
	"net"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// readBufferSize is a connection's read buffer to start with: most response heads fit, and the
// buffer grows up to the head limit for those that do not.
const readBufferSize = 4 << 10

// conn is one target connection with its buffers. One exchange owns it at a time; the pool owns
// it in between.
type conn struct {
	nc net.Conn
	// idle carries the idle timeout under nc (under TLS too); nil when there is none.
	idle *IdleConn
	// buf[r:w] holds bytes read from nc and not consumed yet.
	buf  []byte
	r, w int
	bw   *bufio.Writer
	// out is what bw writes to (send).
	out outbox
	// readErr is what the read made with the request's write found instead of bytes (send);
	// fill returns it.
	readErr error
	// reused: the connection served an exchange before (it came from the pool).
	reused bool
	// idleSince is when the pool took it; pooledFor is how long it stayed there last.
	idleSince time.Time
	pooledFor time.Duration
	head      wire.Response
}

func newConn(nc net.Conn, idle *IdleConn) *conn {
	c := &conn{nc: nc, idle: idle, buf: make([]byte, readBufferSize)}
	c.out.nc = nc
	c.bw = bufio.NewWriterSize(&c.out, 4<<10)
	return c
}

// outbox passes bw's writes on to the connection, but for the one that send keeps.
type outbox struct {
	nc   net.Conn
	keep bool
	kept []byte
}

func (o *outbox) Write(p []byte) (int, error) {
	if o.keep {
		// bw's own buffer, untouched until bw is written to again: send writes it first.
		o.keep, o.kept = false, p
		return len(p), nil
	}
	return o.nc.Write(p)
}

// sendWaitPooled is how long a connection may have been pooled for send to wait for the answer
// without reading first. A target that closed a pooled connection fully answers the request
// with a reset, which ends the wait; one that only ended its side (a FIN) and reads on sends
// nothing more, and the wait would last until the idle timeout instead of failing at once and
// being retried. Targets end idle connections seconds after their last answer, so a connection
// back in use within this time has almost surely not been ended.
const sendWaitPooled = 100 * time.Millisecond

// send writes out the request buffered in bw, when its answer is all the target may send
// next. On a socket the runtime poller waits on for us (a plain TCP target's IdleConn), the
// answer's first read is made in the same wait (sock.WriteRead), which saves the read that
// would find nothing right after the write when the target has not answered yet; policy says
// whether to try that read at once all the same, and learns what it found. fill returns what
// was read. An error is the write's.
func (c *conn) send(policy *readPolicy) error {
	if c.idle == nil || c.idle.sock == nil || c.nc != net.Conn(c.idle) || c.bw.Buffered() == 0 || c.r != c.w ||
		c.pooledFor > sendWaitPooled {
		return c.bw.Flush()
	}
	c.out.keep = true
	err := c.bw.Flush() // kept, not written: it fails only with an error bw held from before
	out := c.out.kept
	c.out.keep, c.out.kept = false, nil
	if err != nil {
		return err
	}
	c.r, c.w = 0, 0
	n, first, werr, rerr := c.idle.writeRead(out, c.buf, policy.readFirst())
	policy.observe(first)
	if werr != nil {
		return werr
	}
	c.w, c.readErr = n, rerr
	return nil
}

// wake restarts the idle clock of a connection taken from the pool at now: time spent pooled is
// not a target's silence.
func (c *conn) wake(now time.Time) {
	if c.idle != nil {
		c.idle.touchAt(now)
	}
}

// lastActive is when the connection last moved bytes, as its idle clock knows it (the last
// read of the answer just relayed), or now without one: the start of its time in the pool.
func (c *conn) lastActive() time.Time {
	if c.idle != nil {
		return time.Unix(0, c.idle.last.Load())
	}
	return time.Now()
}

func (c *conn) close() { _ = c.nc.Close() }

// fill reads more bytes into the buffer, compacting it first and growing it up to limit when it
// is full. It reports io.ErrShortBuffer when limit bytes are buffered already.
func (c *conn) fill(limit int) error {
	if err := c.readErr; err != nil {
		c.readErr = nil
		return err
	}
	if c.r > 0 {
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
	}
	if c.w == len(c.buf) {
		if len(c.buf) >= limit {
			return io.ErrShortBuffer
		}
		grown := make([]byte, min(2*len(c.buf), limit))
		copy(grown, c.buf[:c.w])
		c.buf = grown
	}
	n, err := c.nc.Read(c.buf[c.w:])
	c.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Read reads buffered bytes first, then straight from the connection when the caller's buffer
// is at least as large as ours (no double copy for large bodies).
func (c *conn) Read(p []byte) (int, error) {
	if c.r == c.w {
		if len(p) >= len(c.buf) {
			return c.nc.Read(p)
		}
		c.r, c.w = 0, 0
		n, err := c.nc.Read(c.buf)
		c.w = n
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, c.buf[c.r:c.w])
	c.r += n
	return n, nil
}

// consume drops n buffered bytes.
func (c *conn) consume(n int) { c.r += n }

// buffered is the unconsumed bytes.
func (c *conn) buffered() []byte { return c.buf[c.r:c.w] }
