package server

import (
	"bufio"
	"net"
	"time"
)

// hijack gives the connection to the handler: what the client already sent beyond the head
// (the start of a WebSocket stream, a pipelined request) is read first through the returned
// connection, so no byte is lost. The loop lets go of the connection unless elberr resumes it.
func (c *conn) hijack() (net.Conn, *bufio.ReadWriter, error) {
	// hijacked first: a body reader on another goroutine reaching the body's end can then no
	// longer arm the watch (bodyDone), nor can a timer that fires meanwhile start its read.
	c.mu.Lock()
	c.hijacked = true
	c.mu.Unlock()
	c.watch.stop()
	_ = c.out.Flush()
	if b := c.body; b != nil {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
	}
	_ = c.nc.SetDeadline(time.Time{})
	c.forgetReadDeadline() // the hijacker may set its own; elberr may give the connection back
	hc := &hijackedConn{Conn: c.nc, c: c}
	return hc, bufio.NewReadWriter(bufio.NewReaderSize(hc, 16), bufio.NewWriter(hc)), nil
}

// hijackedConn reads the loop's buffered bytes before the connection's, and gives every write
// the idle timeout (TMO-01, the client side of a WebSocket).
type hijackedConn struct {
	net.Conn
	c *conn
}

func (h *hijackedConn) Read(p []byte) (int, error) {
	return h.c.in.read(p)
}

func (h *hijackedConn) Write(p []byte) (int, error) {
	_ = h.Conn.SetWriteDeadline(time.Now().Add(h.c.idle))
	return h.Conn.Write(p)
}

// CloseWrite keeps half-closes working (elberr's lingering close).
func (h *hijackedConn) CloseWrite() error {
	if cw, ok := h.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return h.Conn.Close()
}
