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
	// reused: the connection served an exchange before (it came from the pool).
	reused bool
	// idleSince is when the pool took it.
	idleSince time.Time
	head      wire.Response
}

func newConn(nc net.Conn, idle *IdleConn) *conn {
	return &conn{nc: nc, idle: idle, buf: make([]byte, readBufferSize), bw: bufio.NewWriterSize(nc, 4<<10)}
}

// wake restarts the idle clock of a connection taken from the pool: time spent pooled is not
// a target's silence.
func (c *conn) wake() {
	if c.idle != nil {
		c.idle.touch()
	}
}

func (c *conn) close() { _ = c.nc.Close() }

// fill reads more bytes into the buffer, compacting it first and growing it up to limit when it
// is full. It reports io.ErrShortBuffer when limit bytes are buffered already.
func (c *conn) fill(limit int) error {
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
