package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bufferBeforeChunking is how much of a response the writer holds before its head goes out, as
// net/http does: a handler that finishes within it gets a Content-Length instead of chunks.
const bufferBeforeChunking = 2048

// response is the http.ResponseWriter of one request, reused per connection. It writes what
// net/http's server writes for the same handler calls (status line, the handler's fields in
// sorted order, then Date, Content-Length, Content-Type, Connection, Transfer-Encoding), so
// that clients and tests see no difference.
type response struct {
	c      *conn
	req    *http.Request
	header http.Header

	status        int
	wroteHeader   bool // the handler called WriteHeader (or Write)
	committed     bool // the head is in the output buffer
	pending       []byte
	written       int64 // body bytes the handler wrote
	contentLength int64 // the handler's Content-Length, -1 when none
	chunked       bool
	closeAfter    bool
	bodyAllowed   bool
	handlerDone   bool
	trailers      []string
}

// reset readies the response for r. The header map of the connection's previous response is
// emptied and reused (its handler returned and the response was finished; a hijacked
// connection never comes back here), so a keep-alive request allocates no map for it.
func (w *response) reset(c *conn, r *http.Request) {
	header := w.header
	if header == nil {
		header = make(http.Header)
	} else {
		clear(header)
	}
	*w = response{c: c, req: r, header: header, pending: c.buffers.pending[:0], contentLength: -1, closeAfter: r.Close}
}

func (w *response) Header() http.Header { return w.header }

// errNoFullDuplex is EnableFullDuplex's answer: what the handler left of the body is settled
// before the response head goes out (settleBody), as on net/http's HTTP/1 server.
var errNoFullDuplex = fmt.Errorf("h1: %w: the request body is settled before the response head", http.ErrNotSupported)

// EnableFullDuplex answers http.ResponseController with the error net/http's would give, made
// once: without the method the controller builds a new one per call, and the proxy path asks
// on every request.
func (w *response) EnableFullDuplex() error { return errNoFullDuplex }

func (w *response) WriteHeader(status int) {
	if w.c.hijackedNow() {
		return
	}
	if w.wroteHeader {
		return
	}
	if status < 100 || status > 999 {
		panic("invalid WriteHeader code " + strconv.Itoa(status))
	}
	if status >= 100 && status <= 199 && status != http.StatusSwitchingProtocols {
		w.writeInterim(status)
		return
	}
	w.wroteHeader = true
	w.status = status
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.contentLength = n
		} else {
			w.header.Del("Content-Length")
		}
	}
}

// writeInterim sends a 1xx response at once (103 Early Hints, a target's 100): the status line
// and the current header.
func (w *response) writeInterim(status int) {
	if w.req.ProtoMinor == 0 {
		return // HTTP/1.0 knows no interim responses
	}
	w.c.continueMu.Lock()
	defer w.c.continueMu.Unlock()
	b := w.c.out
	writeStatusLine(b, false, status)
	_ = w.header.Write(b)
	_, _ = b.WriteString("\r\n")
	_ = b.Flush()
}

func (w *response) Write(p []byte) (int, error) {
	if w.c.hijackedNow() {
		return 0, http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(len(p))
	if w.contentLength >= 0 && w.written > w.contentLength {
		return 0, http.ErrContentLength
	}
	if !w.committed {
		if len(w.pending)+len(p) <= bufferBeforeChunking {
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		w.commit(p)
	}
	return len(p), w.writeBody(p)
}

func (w *response) writeBody(p []byte) error {
	if w.req.Method == http.MethodHead || !w.bodyAllowed || len(p) == 0 {
		return nil
	}
	b := w.c.out
	if w.chunked {
		_, _ = b.WriteString(strconv.FormatInt(int64(len(p)), 16))
		_, _ = b.WriteString("\r\n")
		_, _ = b.Write(p)
		_, err := b.WriteString("\r\n")
		return err
	}
	_, err := b.Write(p)
	return err
}

// commit writes the head into the output buffer, then what the handler wrote so far. first is
// the write that did not fit the buffer, for sniffing the Content-Type when nothing is held.
func (w *response) commit(first []byte) {
	if w.committed {
		return
	}
	w.committed = true
	w.c.continueMu.Lock()
	w.c.canContinue = false
	w.c.continueMu.Unlock()
	if !w.c.settleBody() {
		w.closeAfter = true
	}
	h := w.header
	w.bodyAllowed = bodyAllowed(w.status)
	if hasToken(h["Connection"], "close") {
		w.closeAfter = true
	}
	if w.c.srv.shutdown.Load() {
		w.closeAfter = true
	}
	var contentLength string
	_, haveType := h["Content-Type"]
	sniff := w.pending
	if len(sniff) == 0 {
		sniff = first
	}
	if w.bodyAllowed && !haveType && len(sniff) > 0 && len(h["Transfer-Encoding"]) == 0 {
		h["Content-Type"] = []string{http.DetectContentType(sniff)}
	}
	switch {
	case !w.bodyAllowed:
		delete(h, "Transfer-Encoding")
		if w.status == http.StatusNoContent || w.status < 200 {
			delete(h, "Content-Length")
		}
	case w.contentLength >= 0:
	case w.handlerDone && len(h["Trailer"]) == 0 && (w.req.Method != http.MethodHead || len(w.pending) > 0):
		contentLength = strconv.Itoa(len(w.pending))
	case w.req.ProtoMinor >= 1 && w.req.Method != http.MethodHead && !w.chunkingRefused():
		w.chunked = true
	case w.req.Method != http.MethodHead:
		w.closeAfter = true // HTTP/1.0 without a length: the close ends the body
	}
	if w.chunked {
		w.trailers = declaredTrailers(h)
	}
	delete(h, "Transfer-Encoding")
	b := w.c.out
	writeStatusLine(b, w.req.ProtoMinor == 0, w.status)
	_ = h.WriteSubset(b, excludedHeaders)
	if _, ok := h["Date"]; !ok {
		_, _ = b.WriteString("Date: ")
		_, _ = b.Write(time.Now().UTC().AppendFormat(make([]byte, 0, 29), http.TimeFormat))
		_, _ = b.WriteString("\r\n")
	}
	if contentLength != "" {
		_, _ = b.WriteString("Content-Length: ")
		_, _ = b.WriteString(contentLength)
		_, _ = b.WriteString("\r\n")
	}
	if v, ok := h["Content-Type"]; ok && len(v) > 0 {
		_, _ = b.WriteString("Content-Type: ")
		_, _ = b.WriteString(sanitize(v[0]))
		_, _ = b.WriteString("\r\n")
	}
	switch {
	case w.closeAfter:
		if w.req.ProtoMinor >= 1 {
			_, _ = b.WriteString("Connection: close\r\n")
		}
	case len(h["Connection"]) > 0:
		_, _ = b.WriteString("Connection: " + sanitize(strings.Join(h["Connection"], ", ")) + "\r\n")
	case w.req.ProtoMinor == 0:
		// An HTTP/1.0 client asked for keep-alive (or the connection would be closing).
		_, _ = b.WriteString("Connection: keep-alive\r\n")
	}
	if w.chunked {
		_, _ = b.WriteString("Transfer-Encoding: chunked\r\n")
	}
	_, _ = b.WriteString("\r\n")
	pending := w.pending
	w.pending = w.pending[:0]
	_ = w.writeBody(pending)
}

// chunkingRefused: the handler said its Transfer-Encoding is identity (net/http's convention for
// a body delimited by the close).
func (w *response) chunkingRefused() bool {
	te := w.header["Transfer-Encoding"]
	if len(te) > 0 && te[0] == "identity" {
		w.closeAfter = true
		return true
	}
	return false
}

// excludedHeaders are written by commit itself, after the handler's.
var excludedHeaders = map[string]bool{"Content-Type": true, "Connection": true, "Transfer-Encoding": true}

// sanitize keeps a value on its line, as http.Header.Write does.
func sanitize(v string) string {
	if strings.ContainsAny(v, "\r\n") {
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
	}
	return v
}

func writeStatusLine(b *bufio.Writer, http10 bool, status int) {
	if http10 {
		_, _ = b.WriteString("HTTP/1.0 ")
	} else {
		_, _ = b.WriteString("HTTP/1.1 ")
	}
	// Byte by byte: strconv.Itoa allocates for every code from 100 up, and a slice given to
	// Write would escape.
	var digits [20]byte
	for _, d := range strconv.AppendInt(digits[:0], int64(status), 10) {
		_ = b.WriteByte(d)
	}
	_ = b.WriteByte(' ')
	if text := http.StatusText(status); text != "" {
		_, _ = b.WriteString(text)
	} else {
		_, _ = b.WriteString("status code " + strconv.Itoa(status))
	}
	_, _ = b.WriteString("\r\n")
}

func bodyAllowed(status int) bool {
	return !(status >= 100 && status <= 199 || status == http.StatusNoContent || status == http.StatusNotModified)
}

// declaredTrailers are the names the handler announced in Trailer, whose values it sets after
// the body.
func declaredTrailers(h http.Header) []string {
	var names []string
	for _, v := range h["Trailer"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				names = append(names, http.CanonicalHeaderKey(name))
			}
		}
	}
	return names
}

// finish completes the response after the handler returned: the head if none went out, the
// held body, the last chunk with its trailers. It reports whether the response is complete (a
// short Content-Length body is not: the connection must close).
func (w *response) finish() bool {
	w.handlerDone = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.commit(nil)
	b := w.c.out
	if w.chunked {
		_, _ = b.WriteString("0\r\n")
		for _, name := range w.trailers {
			for _, v := range w.header[name] {
				_, _ = b.WriteString(name + ": " + sanitize(v) + "\r\n")
			}
		}
		for name, values := range w.header {
			if strings.HasPrefix(name, http.TrailerPrefix) {
				for _, v := range values {
					_, _ = b.WriteString(strings.TrimPrefix(name, http.TrailerPrefix) + ": " + sanitize(v) + "\r\n")
				}
			}
		}
		_, _ = b.WriteString("\r\n")
	}
	err := b.Flush()
	complete := w.contentLength < 0 || w.written == w.contentLength || w.req.Method == http.MethodHead || !w.bodyAllowed
	return err == nil && complete && !w.closeAfter
}

// Flush sends the head and everything written so far (http.Flusher).
func (w *response) Flush() {
	_ = w.FlushError()
}

// FlushError is Flush with its error (http.ResponseController).
func (w *response) FlushError() error {
	if w.c.hijackedNow() {
		return http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.commit(nil)
	return w.c.out.Flush()
}

// SetReadDeadline and SetWriteDeadline let http.ResponseController (the listener's idle
// timeout on bodies) set the connection's deadlines.
func (w *response) SetReadDeadline(t time.Time) error {
	w.c.readDeadlineMoved.Store(true) // possibly from a body reader's goroutine
	return w.c.nc.SetReadDeadline(t)
}

func (w *response) SetWriteDeadline(t time.Time) error { return w.c.nc.SetWriteDeadline(t) }

// Hijack hands the connection to the handler (WebSocket upgrades, elberr's raw pages).
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.handlerDone {
		return nil, nil, http.ErrHijacked
	}
	return w.c.hijack()
}

var (
	_ http.Flusher  = (*response)(nil)
	_ http.Hijacker = (*response)(nil)
)
