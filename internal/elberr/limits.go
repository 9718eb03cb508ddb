package elberr

import "net/http"

// Size limits of LIM-01. The listener enforces the request ones; the HTTP target sets
// http.Transport.MaxResponseHeaderBytes to MaxResponseHeaderBytes so that FromTransport sees the
// overflow and answers 502 (LIM-02).
const (
	// MaxRequestLineBytes is the longest request line accepted (16 K).
	MaxRequestLineBytes = 16 << 10
	// MaxHeaderLineBytes is the longest single request header accepted (16 K).
	MaxHeaderLineBytes = 16 << 10
	// MaxRequestHeaderBytes is the largest request header block accepted (64 K).
	MaxRequestHeaderBytes = 64 << 10
	// MaxResponseHeaderBytes is the largest target response header block accepted (32 K).
	MaxResponseHeaderBytes = 32 << 10
)

// HeaderTooLarge is the answer to a request whose single header or header block exceeds LIM-01:
// 400, as the 2023 guide states and as nginx answers, rather than the 413 newer text also lists
// (LIM-02, §12 item 14).
func HeaderTooLarge() *Error {
	return &Error{Status: http.StatusBadRequest, Source: SourceClient}
}

// RequestLineTooLarge is the answer to a request line over 16 K: 414, the status the docs give
// for a URL or query string that is too large (LIM-02, §12 item 14); the path and query make up
// nearly all of a request line.
func RequestLineTooLarge() *Error {
	return &Error{Status: http.StatusRequestURITooLong, Source: SourceClient}
}
