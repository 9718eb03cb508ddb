package listener

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	h1server "github.com/albatross-lb/albatross/internal/h1/server"
)

// albConn replaces net/http's own plain-text error replies with the ALB's pages. net/http
// answers some malformed requests before any handler runs (no Host on HTTP/1.1 → 400, header
// block too large → 431, unsupported Transfer-Encoding → 501, bad version → 505), writing the
// reply in one Write straight to the connection. Those replies have a fixed shape that handler
// responses never have (handler responses always carry a Date header), so they can be recognised
// exactly and rewritten.
//
// It also answers 408 to a client that started a request and then went quiet for the idle
// timeout (TMO-01, T32): net/http only closes such a connection. net/http sets a future read
// deadline exactly while it waits for a request (idle, then header phase) and clears it once the
// headers are in, so a timeout in that state after some bytes arrived is a stalled request.
// A client that never sent a byte is closed silently, as an idle connection.
//
// On HTTPS listeners albConn wraps the *tls.Conn of an HTTP/1 connection, so its pages are
// encrypted like any response; HTTP/2 connections are handed to net/http as the bare *tls.Conn
// (it needs that type to start h2), and net/http's HTTP/2 server writes no plain-text errors.
type albConn struct {
	net.Conn
	// info outlives hand-overs: a connection resumed after a hijacked page keeps its age.
	info connInfo
	// awaiting: net/http is waiting for a request under a read deadline.
	awaiting atomic.Bool
	// begun: bytes of the awaited request have arrived.
	begun atomic.Bool
	// serving: a handler runs the request whose head was read; its read deadlines (the body's
	// idle timeout) are its own, so a timeout then is not net/http's wait for a request.
	serving atomic.Bool
	// idle is the idle timeout the connection was accepted under (TMO-01): every write must make
	// progress within it. Zero means no write deadline.
	idle time.Duration
	// refused, when set, is told of every page albConn sends in net/http's stead, for the access
	// log; head then keeps what the client sent of the request net/http is reading (capture).
	refused func(c *albConn, r *elberr.Refusal)
	head    []byte
}

// maxCapture bounds the copy of a request head kept for refusedPage: net/http reads no more
// (its MaxHeaderBytes plus the slack it allows).
const maxCapture = elberr.MaxRequestLineBytes + elberr.MaxRequestHeaderBytes + 4096

// capture keeps b, bytes net/http read while it waits for a request head, so that a head it
// refuses can be logged with its request line and Host. Only the fallback engine reads through
// albConn.Read; Albatross's own loop reads the connection beneath.
func (c *albConn) capture(b []byte) {
	if c.refused == nil || c.serving.Load() || len(c.head) >= maxCapture {
		return
	}
	c.head = append(c.head, b[:min(len(b), maxCapture-len(c.head))]...)
}

// forgetHead drops the captured head once the request it began is answered or served; a large
// buffer is let go, so that an idle connection does not hold it.
func (c *albConn) forgetHead() {
	if cap(c.head) > 4<<10 {
		c.head = nil
	}
	c.head = c.head[:0]
}

// refusedPage sends the ALB's page for status in net/http's stead and logs the request it
// refuses.
func (c *albConn) refusedPage(status int) error {
	n, err := c.Conn.Write(elberr.RawResponse(status))
	if c.refused != nil {
		r := h1server.RefusalOf(c.head, status, n)
		r.RemoteAddr, r.TLS = c.Conn.RemoteAddr().String(), c.info.tls
		c.refused(c, r)
	}
	c.forgetHead()
	return err
}

func (c *albConn) SetReadDeadline(t time.Time) error {
	c.awaiting.Store(!t.IsZero() && time.Until(t) > 0)
	return c.Conn.SetReadDeadline(t)
}

func (c *albConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && c.awaiting.Load() {
		c.begun.Store(true)
		c.capture(b[:n])
	}
	if err != nil && !c.serving.Load() && c.awaiting.Load() && c.begun.Load() && isTimeout(err) {
		c.awaiting.Store(false)
		c.begun.Store(false)
		_ = c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
		_ = c.refusedPage(http.StatusRequestTimeout)
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// goErrorHeaders follows the status line of every reply net/http writes by itself.
var goErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

// Write sends b under a fresh write deadline of the idle timeout: a client that stops reading
// (TMO-01: nothing received for the idle timeout) is dropped instead of pinning the connection,
// its handler and the target's response. Every HTTP/1 write passes here: responses, net/http's
// own replies, ALB pages written on the hijacked connection, and the client side of WebSockets.
func (c *albConn) Write(b []byte) (int, error) {
	c.begun.Store(false) // a response is going out: the request it answers is complete
	if c.idle > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
	}
	if status, ok := goErrorStatus(b); ok {
		if err := c.refusedPage(albStatus(status)); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	c.forgetHead()
	return c.Conn.Write(b)
}

// goErrorStatus recognises a net/http error reply and returns its status code. The whole write
// must have the shape net/http gives it: "HTTP/1.1 <line>" + goErrorHeaders + body, where the
// body repeats the line (400, 431, 505 and other status errors) or is the fixed text of the 501
// for an unsupported Transfer-Encoding. A response body that happens to start a write can then
// only be mistaken for one if it is exactly such a reply.
func goErrorStatus(b []byte) (int, bool) {
	const prefix = "HTTP/1.1 "
	if len(b) < len(prefix)+3 || string(b[:len(prefix)]) != prefix {
		return 0, false
	}
	// The headers must follow the status line directly: look for them at the line's end only,
	// not across the whole write (every response's first write starts with the prefix).
	rest := b[len(prefix):]
	end := bytes.IndexByte(rest, '\r')
	if end < 0 || !bytes.HasPrefix(rest[end:], goErrorHeaders) {
		return 0, false
	}
	line, body := rest[:end], rest[end+len(goErrorHeaders):]
	if !bytes.Equal(body, line) && !(string(line) == "501 Not Implemented" && string(body) == "Unsupported transfer encoding") {
		return 0, false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil || (len(line) > 3 && line[3] != ' ') {
		return 0, false
	}
	return status, true
}

// CloseWrite half-closes the connection when the underlying one can. net/http (after its 431)
// and elberr (after a page sent with Connection: close) use it to close without a TCP reset that
// would destroy the response before the client reads it.
func (c *albConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// albStatus maps net/http's status to the ALB's: an oversized header block is a 400 (LIM-02,
// decision §12.14).
func albStatus(goStatus int) int {
	if goStatus == 431 {
		return 400
	}
	return goStatus
}
