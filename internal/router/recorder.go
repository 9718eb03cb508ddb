package router

import (
	"io"
	"net/http"
	"strconv"
)

// recorder notes the status and size of the response for the exchange record. Unwrap keeps
// http.ResponseController (flush, hijack for WebSockets) working through it.
type recorder struct {
	http.ResponseWriter
	status      int
	written     int64
	headerBytes int64
	respHeaders []headerValue // HDR-RESP-01, nil when the listener adds none
	closeConn   bool          // DSY-02: close the client connection after this response
	wire        *wireAccount  // HTTP/1.x: what net/http adds around the body; nil on HTTP/2
	raw         bool          // elberr answered on the hijacked connection (counts are exact)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 && (status >= 200 || status == http.StatusSwitchingProtocols) {
		w.finalHeaders()
		w.status = status
		w.noteHeader()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.finalHeaders()
		w.status = http.StatusOK
		w.noteHeader()
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	if w.wire != nil && n > 0 {
		w.wire.write(b[:n])
	}
	return n, err
}

func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.wire != nil {
			if w.status == 0 {
				w.status = http.StatusOK
				w.noteHeader()
			}
			w.wire.flush()
		}
		f.Flush()
	}
}

// noteHeader records the header block as it goes out.
func (w *recorder) noteHeader() {
	if w.wire != nil {
		w.wire.writeHeader(w.status, w.Header())
		return
	}
	w.headerBytes = responseHeaderBytes(w.status, w.Header())
}

// RecordRaw notes a response that elberr wrote on the hijacked connection (elberr.RawRecorder).
func (w *recorder) RecordRaw(status int, headBytes, bodyBytes int64) {
	w.status = status
	w.raw = true
	w.written += bodyBytes
	w.headerBytes = headBytes
}

// sentBytes returns the response's header and body bytes as sent to the client (§8.2 field
// 12). It is called once, after the handler returned; answered is false when net/http will
// write nothing more (the connection was hijacked for a tunnel, or the client left).
func (w *recorder) sentBytes(answered bool) (head, body int64) {
	if w.raw || w.wire == nil || !answered {
		return w.headerBytes, w.written
	}
	total := w.wire.finish(w.written)
	body = w.written
	if w.wire.head || !bodyAllowedForStatus(w.wire.status) {
		body = 0
	}
	return total - body, body
}

// responseHeaderBytes estimates an HTTP/2 response's header block for sent_bytes: the fields as
// text (HPACK's compression is not accounted), with the date net/http adds when absent.
func responseHeaderBytes(status int, h http.Header) int64 {
	n := len(":status: ") + len(strconv.Itoa(status)) + 2 + 2
	if _, ok := h["Date"]; !ok {
		n += len("Date: Mon, 02 Jan 2006 15:04:05 GMT\r\n")
	}
	for name, values := range h {
		for _, v := range values {
			n += headerLine(name, v)
		}
	}
	return int64(n)
}

// countingBody counts the request body bytes the action reads (received_bytes).
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
