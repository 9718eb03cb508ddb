package router

import (
	"io"
	"net/http"
	"strconv"

	"github.com/albatross-lb/albatross/internal/elberr"
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
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 && (status >= 200 || status == http.StatusSwitchingProtocols) {
		w.finalHeaders()
		w.status = status
		w.headerBytes = responseHeaderBytes(status, w.Header())
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.finalHeaders()
		w.status = http.StatusOK
		w.headerBytes = responseHeaderBytes(http.StatusOK, w.Header())
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	return n, err
}

func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// RecordRaw notes a response that elberr wrote on the hijacked connection (elberr.RawRecorder).
func (w *recorder) RecordRaw(status int, n int64) {
	w.status = status
	w.written += n
	w.headerBytes = int64(len(elberr.RawResponse(status)) - len(elberr.Page(status)))
}

// dateLine is the Date header net/http adds to every response.
const dateLine = len("Date: Mon, 02 Jan 2006 15:04:05 GMT\r\n")

// responseHeaderBytes estimates the status line and header block of a response for sent_bytes
// (§8.2 field 12): net/http does not report what it wrote, so this counts the headers set, the
// Date it adds, and the blank line.
func responseHeaderBytes(status int, h http.Header) int64 {
	n := len("HTTP/1.1 ") + len(strconv.Itoa(status)) + 1 + len(http.StatusText(status)) + 2 + dateLine + 2
	for name, values := range h {
		for _, v := range values {
			n += len(name) + 2 + len(v) + 2
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
