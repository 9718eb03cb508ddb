package listener

import (
	"bytes"
	"net"
	"strconv"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// albConn replaces net/http's own plain-text error replies with the ALB's pages. net/http
// answers some malformed requests before any handler runs (no Host on HTTP/1.1 → 400, header
// block too large → 431, unsupported Transfer-Encoding → 501, bad version → 505), writing the
// reply in one Write straight to the connection. Those replies have a fixed shape that handler
// responses never have (handler responses always carry a Date header), so they can be recognised
// exactly and rewritten.
type albConn struct {
	net.Conn
}

// goErrorHeaders follows the status line of every reply net/http writes by itself.
var goErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c *albConn) Write(b []byte) (int, error) {
	if status, ok := goErrorStatus(b); ok {
		if _, err := c.Conn.Write(elberr.RawResponse(albStatus(status))); err != nil {
			return 0, err
		}
		return len(b), nil
	}
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
	line, body, ok := bytes.Cut(b[len(prefix):], goErrorHeaders)
	if !ok || bytes.IndexByte(line, '\r') >= 0 {
		return 0, false
	}
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
