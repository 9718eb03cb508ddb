package client

import (
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/sock"
)

// IdleConn is a target connection closed by the idle timeout (TMO-01, TMO-02: "a target that does
// not answer within the idle timeout"): a Read or Write that makes no progress while nothing else
// moved on the connection for idle fails with a timeout. Progress in either direction counts, so
// that a WebSocket tunnel carrying data one way only, or a long upload whose answer comes at the
// end, is not idle. This one deadline covers what a client's own timers do not: a target that
// sends headers and then stalls its body, and a WebSocket on which neither side speaks (the
// tunnel's two copies both end when this connection fails).
//
// While the load balancer waits for the client's request body to send it on (hold), the target
// connection is not idle: the silence is the client's, timed by the client side's own idle
// timeout (TMO-01), which then fails the body with the client's 408. Otherwise the target's clock,
// last pushed by the body bytes written just before the client went quiet, would run out a hair
// before the client's, which starts with the body read that follows the write, and the client
// would get a 504 for its own silence.
type IdleConn struct {
	net.Conn
	idle time.Duration
	// last is the time of the latest progress, in UnixNano.
	last atomic.Int64
	// holds counts the waits for the client's body in progress (hold, release).
	holds atomic.Int32
	// sock reads and writes a TCP socket without the runtime's system-call hand-off
	// (internal/h1/sock); nil for other connections, used through Conn.
	sock *sock.Socket
	// readDeadline is the read deadline last set on the connection, in UnixNano (0: none yet).
	readDeadline atomic.Int64
	// writeDeadline is quietUntil, made once: sock.WriteWithin sets it only when the socket is
	// full.
	writeDeadline func() time.Time
}

// NewIdleConn returns c with the idle timeout idle.
func NewIdleConn(c net.Conn, idle time.Duration) *IdleConn {
	ic := &IdleConn{Conn: c, idle: idle, sock: sock.New(c)}
	ic.writeDeadline = ic.quietUntil
	ic.touch()
	return ic
}

func (c *IdleConn) touch() { c.touchAt(time.Now()) }

func (c *IdleConn) touchAt(t time.Time) { c.last.Store(t.UnixNano()) }

// hold stops the idle clock while the body sender waits for the client's next body bytes;
// release restarts it from now, the end of the wait.
func (c *IdleConn) hold() { c.holds.Add(1) }

func (c *IdleConn) release() {
	c.touch()
	c.holds.Add(-1)
}

func (c *IdleConn) held() bool { return c.holds.Load() > 0 }

// quietUntil is when the connection counts as idle if nothing moves before; while held, a full
// idle timeout from now (checked again when it passes).
func (c *IdleConn) quietUntil() time.Time {
	if c.held() {
		return time.Now().Add(c.idle)
	}
	return time.Unix(0, c.last.Load()).Add(c.idle)
}

func (c *IdleConn) Read(b []byte) (int, error) {
	for {
		c.armRead()
		n, err := c.read(b)
		if n > 0 {
			c.touch()
		}
		if n == 0 && c.retry(err) {
			continue
		}
		return n, err
	}
}

// writeRead writes out and reads the first bytes of the answer into in within one wait
// (sock.WriteRead), each with its idle timeout as Write and Read have. werr is the write's
// failure; n and rerr are the read's outcome; first is what a read tried at once found.
func (c *IdleConn) writeRead(out, in []byte, readFirst bool) (n int, first sock.First, werr, rerr error) {
	// The connection was taken from the pool or dialled a moment ago (wake, NewIdleConn), so
	// its last progress stands for now, for the deadline check and for the write's progress;
	// only a read that had to wait reads the clock again. Two readings a request fewer.
	c.armReadAt(c.last.Load())
	written, n, first, err := c.sock.WriteRead(out, in, readFirst)
	if written < len(out) {
		if err != nil {
			return 0, first, err, nil
		}
		if _, err := c.Write(out[written:]); err != nil {
			return 0, first, err, nil
		}
		n, err = c.Read(in)
		return n, first, nil, err
	}
	if n > 0 {
		if first != sock.FirstFound {
			c.touch()
		}
		return n, first, nil, nil
	}
	if c.retry(err) {
		n, err = c.Read(in)
	}
	return n, first, nil, err
}

// armRead sets the read deadline to quietUntil unless the one set is still ahead and less than
// half an idle timeout short of it. A deadline that fires early is harmless: retry sees the
// connection was not idle that long and the next arm sets the exact one. So a busy connection
// moves its runtime timer about twice per idle timeout instead of on every read.
func (c *IdleConn) armRead() { c.armReadAt(time.Now().UnixNano()) }

// armReadAt is armRead with now given, in UnixNano. A now a little in the past only makes a
// deadline count as still ahead when it has just passed: the read then fails early and retry,
// seeing the connection was not idle that long, arms the exact one.
func (c *IdleConn) armReadAt(now int64) {
	until := c.quietUntil().UnixNano()
	set := c.readDeadline.Load()
	if set != 0 && until-set < int64(c.idle/2) && set > now {
		return
	}
	_ = c.Conn.SetReadDeadline(time.Unix(0, until))
	c.readDeadline.Store(until)
}

func (c *IdleConn) Write(b []byte) (int, error) {
	written := 0
	for {
		n, err := c.write(b[written:])
		written += n
		if n > 0 {
			c.touch()
		}
		if err != nil && written < len(b) && c.retry(err) {
			continue
		}
		return written, err
	}
}

func (c *IdleConn) read(b []byte) (int, error) {
	if c.sock != nil {
		return c.sock.Read(b)
	}
	return c.Conn.Read(b)
}

// write waits for room until quietUntil: on a raw socket the deadline is set only when the
// socket is full (sock.WriteWithin), so a request the kernel takes at once moves no timer.
func (c *IdleConn) write(b []byte) (int, error) {
	if c.sock != nil {
		return c.sock.WriteWithin(b, c.writeDeadline)
	}
	_ = c.Conn.SetWriteDeadline(c.quietUntil())
	return c.Conn.Write(b)
}

// retry reports whether a timeout err came from a deadline that the other direction's progress,
// or a wait for the client's body, has since pushed out.
func (c *IdleConn) retry(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) && (c.held() || time.Now().Before(c.quietUntil()))
}

// CloseWrite keeps half-closes working for the transport.
func (c *IdleConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// IdleDialer dials target connections that carry the idle timeout.
type IdleDialer struct {
	Dialer *net.Dialer
	Idle   time.Duration
}

// DialContext dials addr; the connection carries the idle timeout unless Idle is 0.
func (d IdleDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, addr)
	if err != nil || d.Idle <= 0 {
		return c, err
	}
	return NewIdleConn(c, d.Idle), nil
}
