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

// goErrorStatus recognises a net/http error reply and returns its status code.
func goErrorStatus(b []byte) (int, bool) {
	const prefix = "HTTP/1.1 "
	if len(b) < len(prefix)+3 || string(b[:len(prefix)]) != prefix {
		return 0, false
	}
	eol := bytes.IndexByte(b, '\r')
	if eol < 0 || !bytes.HasPrefix(b[eol:], goErrorHeaders) {
		return 0, false
	}
	status, err := strconv.Atoi(string(b[len(prefix) : len(prefix)+3]))
	if err != nil {
		return 0, false
	}
	return status, true
}

// albStatus maps net/http's status to the ALB's: an oversized header block is a 400 (LIM-02,
// decision §12.14).
func albStatus(goStatus int) int {
	if goStatus == 431 {
		return 400
	}
	return goStatus
}
