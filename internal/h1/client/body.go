package client

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
)

// bodyPump sends a request body to the target on a goroutine of its own, so that the response
// can arrive, and be relayed, while the body is still flowing (the ALB streams both ways at
// once; a target may answer before it has read everything).
type bodyPump struct {
	// sent: the whole body and its framing reached the connection; set right after the last
	// write, which is the pump's last use of the connection.
	sent atomic.Bool
	// readErr is the inbound body's own failure (a client gone quiet or away); it is set before
	// the connection is closed, so that the exchange failing on that close finds it.
	readErr atomic.Pointer[error]
}

func startBody(cn *conn, r *http.Request) *bodyPump {
	p := &bodyPump{}
	go p.run(cn, r)
	return p
}

// finished reports whether the body was sent completely; false while it is still being sent, so
// that a connection is never reused under a body still on its way.
func (p *bodyPump) finished() bool {
	return p == nil || p.sent.Load()
}

// readFailure is the inbound body's failure, if reading it broke the exchange.
func (p *bodyPump) readFailure() error {
	if e := p.readErr.Load(); e != nil {
		return *e
	}
	return nil
}

func (p *bodyPump) fail(cn *conn, err error) {
	p.readErr.Store(&err)
	cn.close()
}

func (p *bodyPump) run(cn *conn, r *http.Request) {
	defer r.Body.Close()
	bufp := buffers.Get().(*[copyBufferSize]byte)
	defer buffers.Put(bufp)
	buf := bufp[:]
	bw := cn.bw
	chunked := r.ContentLength < 0
	var sent int64
	for {
		if !chunked && int64(len(buf)) > r.ContentLength-sent {
			buf = buf[:r.ContentLength-sent]
		}
		n, err := cn.readBody(r.Body, buf)
		if n > 0 {
			if chunked {
				var digits [16]byte
				bw.Write(strconv.AppendInt(digits[:0], int64(n), 16))
				bw.WriteString("\r\n")
			}
			bw.Write(buf[:n])
			if chunked {
				bw.WriteString("\r\n")
			}
			sent += int64(n)
			// Each piece goes out as it comes: a streamed body must reach the target before
			// the client sends more.
			if bw.Flush() != nil {
				return
			}
		}
		if err == io.EOF || !chunked && sent == r.ContentLength && err == nil {
			break
		}
		if err != nil {
			p.fail(cn, err)
			return
		}
	}
	if !chunked && sent < r.ContentLength {
		p.fail(cn, io.ErrUnexpectedEOF)
		return
	}
	if chunked {
		bw.WriteString("0\r\n")
		for key, values := range r.Trailer {
			writeField(bw, key, values)
		}
		bw.WriteString("\r\n")
		if bw.Flush() != nil {
			return
		}
	}
	p.sent.Store(true)
}

// readBody reads the client's body with the target connection's idle clock held: waiting for
// the client is the client's idleness, not the target's (IdleConn).
func (c *conn) readBody(body io.Reader, p []byte) (int, error) {
	if c.idle == nil {
		return body.Read(p)
	}
	c.idle.hold()
	defer c.idle.release()
	return body.Read(p)
}
