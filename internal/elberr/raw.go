package elberr

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Why a raw path: net/http always writes http.StatusText on the status line ("503 Service
// Unavailable", "463 status code 463") and offers no hook to change it. The ALB's phrases differ
// for 302, 405, 408, 413, 414, 503, 504 and the ALB-only codes (ERR-BODY, T28). For those
// statuses on HTTP/1.x, Writer hijacks the connection and writes the response itself. Keep-alive
// survives when the listener provides Writer.Resume and the request left the connection in a
// clean state (body fully read, nothing pipelined); otherwise the response says
// Connection: close, like net/http does in the same situations.

// maxDrain bounds how much unread request body is discarded to keep a connection reusable; it
// matches net/http's own limit for handlers that did not read the body.
const maxDrain = 256 << 10

// rawWriteTimeout bounds writing the response (and the lingering close) on a hijacked
// connection, whose server deadlines were cleared by Hijack.
const rawWriteTimeout = 10 * time.Second

// headersWritten are the headers writeRaw emits itself, in ALB order.
var headersWritten = map[string]bool{
	"Server": true, "Date": true, "Content-Type": true, "Content-Length": true, "Connection": true,
}

// writeRaw writes the response on the hijacked connection. done=false means the connection
// cannot be hijacked (nothing was written) and the caller must use the standard path.
func (wr Writer) writeRaw(w http.ResponseWriter, r *http.Request, status int, closeConn bool) (done bool, err error) {
	resume := wr.Resume
	if resume == nil {
		resume = resumeFrom(r.Context())
	}
	keep := !closeConn && !r.Close && resume != nil && bodyDrained(r)
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false, nil
	}
	if brw.Reader.Buffered() > 0 {
		keep = false // a pipelined request is already buffered: net/http owned it, we cannot hand it back
	}
	_ = conn.SetWriteDeadline(time.Now().Add(rawWriteTimeout))
	head := r.Method == http.MethodHead
	resp := wr.appendResponse(make([]byte, 0, 512), w.Header(), head, status, keep)
	if _, err = conn.Write(resp); err != nil {
		conn.Close()
		return true, err
	}
	recordRaw(w, status, head, len(resp))
	if keep {
		_ = conn.SetDeadline(time.Time{})
		resume(conn)
		return true, nil
	}
	return true, lingeringClose(conn)
}

// appendResponse renders the status line and headers in the order the ALB sends them, then the
// page (not for HEAD).
func (wr Writer) appendResponse(b []byte, extra http.Header, head bool, status int, keep bool) []byte {
	body := page(status)
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, reason(status)...)
	b = append(b, "\r\n"...)
	if !wr.OmitServer {
		b = append(b, "Server: "+Server+"\r\n"...)
	}
	b = append(b, "Date: "...)
	b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Type: text/html\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	if keep {
		b = append(b, "\r\nConnection: keep-alive\r\n"...)
	} else {
		b = append(b, "\r\nConnection: close\r\n"...)
	}
	b = appendHeader(b, extra)
	b = append(b, "\r\n"...)
	if !head {
		b = append(b, body...)
	}
	return b
}

// appendHeader appends the caller's headers (Location, X-Albatross-Error, listener response
// headers), sanitised by http.Header.WriteSubset so no value can inject a line.
func appendHeader(b []byte, h http.Header) []byte {
	if len(h) == 0 {
		return b
	}
	buf := &sliceWriter{b: b}
	_ = h.WriteSubset(buf, headersWritten)
	return buf.b
}

type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

// bodyDrained reads what is left of the request body so the next request starts at a clean
// boundary. It refuses (false) when the client still waits for 100 Continue, when the body is
// larger than maxDrain, or when someone closed it earlier (unknown position).
func bodyDrained(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	if r.Header.Get("Expect") != "" {
		return false
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain+1))
	return err == nil && n <= maxDrain
}

// lingeringClose half-closes the connection and discards what the client still sends for a
// moment, so the kernel does not answer unread bytes with a reset that would destroy the response
// before the client reads it (the same reason net/http's closeWriteAndWait exists).
func lingeringClose(conn net.Conn) error {
	cw, ok := conn.(interface{ CloseWrite() error })
	if !ok {
		return conn.Close()
	}
	if err := cw.CloseWrite(); err != nil {
		conn.Close()
		return nil // the client already went away; nothing left to protect
	}
	deadline := time.Now().Add(lingerTimeout)
	_ = conn.SetReadDeadline(deadline)
	n, err := io.Copy(io.Discard, io.LimitReader(conn, maxDrain)) // ends at EOF, timeout or limit
	if err == nil && n == maxDrain {
		// The client is still sending (a body refused unread, LAM-03's 413): closing now would
		// reset the connection under the response before the client reads it. Stop reading,
		// but give it the rest of lingerTimeout, as net/http's closeWriteAndWait does.
		time.Sleep(time.Until(deadline))
	}
	return conn.Close()
}

// lingerTimeout is how long lingeringClose waits for the client to close its side.
const lingerTimeout = 500 * time.Millisecond
