package elberr

import (
	"context"
	"net"
	"net/http"
)

type resumeKey struct{}

// WithResume returns a context carrying resume, for http.Server.ConnContext: Write and
// WriteRedirect hand connections they answered on directly to it, so that the client can keep
// using them (see Writer.Resume for the contract).
func WithResume(ctx context.Context, resume func(net.Conn)) context.Context {
	return context.WithValue(ctx, resumeKey{}, resume)
}

func resumeFrom(ctx context.Context) func(net.Conn) {
	resume, _ := ctx.Value(resumeKey{}).(func(net.Conn))
	return resume
}

// RawRecorder is implemented by ResponseWriter wrappers that account for responses (status and
// bytes for the access log and metrics). When Writer answers on a hijacked connection the
// wrappers see no WriteHeader or Write, so Writer calls RecordRaw on every wrapper of the
// Unwrap chain instead, with the status, the bytes of the status line and headers, and the body
// bytes sent.
type RawRecorder interface {
	RecordRaw(status int, headBytes, bodyBytes int64)
}

// recordRaw tells the wrappers of w about a response written on the hijacked connection.
func recordRaw(w http.ResponseWriter, status int, head bool, total int) {
	var n int64
	if !head {
		n = int64(len(page(status)))
	}
	for w != nil {
		if rr, ok := w.(RawRecorder); ok {
			rr.RecordRaw(status, int64(total)-n, n)
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

// RawResponse returns a complete HTTP/1.1 response for status, as the ALB sends it when it
// closes the connection (Server, Date, Content-Type, Content-Length, Connection: close, page).
// It is for code that answers below net/http, such as a connection that replaces net/http's own
// error replies (malformed requests) with the ALB's.
func RawResponse(status int) []byte {
	return Writer{}.appendResponse(make([]byte, 0, 512), nil, false, status, false)
}
