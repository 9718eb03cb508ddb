package elberr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
)

// FromTransport maps an error returned by http.Transport.RoundTrip (as httputil.ReverseProxy's
// ErrorHandler receives it) to the response the ALB gives (§7, TMO-02), or nil for nil. An
// *Error anywhere in the chain is returned as is. Access-log error_reason stays empty: the ALB
// fills it only for Lambda, authentication and WAF failures (LAM-31).
//
//   - the client's context was canceled (client went away) → 460
//   - any timeout: connect (TMO-02, 10 s), TLS handshake, response headers, deadline → 504
//   - everything else the target did: refused, reset, unreachable, closed with the request
//     outstanding, malformed or oversized response headers (LIM-02), TLS failure → 502
func FromTransport(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Status: 460, Source: SourceClient, Err: fmt.Errorf("client closed the connection: %w", err)}
	}
	if isTimeout(err) {
		return &Error{Status: http.StatusGatewayTimeout, Source: SourceTarget, Err: fmt.Errorf("%s: %w", timeoutCause(err), err)}
	}
	return &Error{Status: http.StatusBadGateway, Source: SourceTarget, Err: fmt.Errorf("%s: %w", failureCause(err), err)}
}

// isTimeout reports a timeout of any layer: net.Error deadlines, the Transport's own header and
// handshake timers (they implement net.Error), and context deadlines.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// timeoutCause names which wait ran out, for logs and strict-mode details.
func timeoutCause(err error) string {
	if isDial(err) {
		return "target connect timeout"
	}
	return "target response timeout"
}

// failureCause names how the target failed, for logs and strict-mode details.
func failureCause(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "target refused the connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "target reset the connection"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "target unreachable"
	case isDial(err):
		return "target connect failed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "target closed the connection with the request outstanding"
	}
	return "target sent an invalid response"
}

// isDial reports whether err happened while connecting.
func isDial(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
