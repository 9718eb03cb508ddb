package router

import "net/http"

// recorder notes the status and size of the response for the exchange record. Unwrap keeps
// http.ResponseController (flush, hijack for WebSockets) working through it.
type recorder struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
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
}
