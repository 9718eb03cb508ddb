package elberr

import (
	"context"
	"crypto/tls"
	"time"
)

// Refusal is a request the HTTP/1 connection answered with an ALB page before any handler saw
// it: a head it could not read (over LIM-01's limits, no request line) or read and refused (an
// unsupported Transfer-Encoding, a version it does not speak, a head no target could be sent).
// The ALB logs such requests too (§8, "including requests that never made it to the targets"),
// so the connection hands each one to the listener's RefusalRecorder.
type Refusal struct {
	// Status is the status of the page sent.
	Status int
	// Method, Target and Proto are the request line as sent; all three are "" when it could not
	// be read.
	Method, Target, Proto string
	// Host is the Host field as sent, "" when there was none or the head was not read that far.
	Host string
	// UserAgent is the User-Agent field as sent.
	UserAgent string
	// Classification and ClassificationReason are the desync verdict (DSY-01) of a head refused
	// for it, "" otherwise.
	Classification, ClassificationReason string
	// Received is when the request's first byte arrived.
	Received time.Time
	// ReceivedBytes is the size of the head as read (0 when the request line could not be read,
	// as the ALB logs it); SentBytes the size of the page sent.
	ReceivedBytes, SentBytes int64
	// RemoteAddr is the client's address ("ip:port"); TLS the connection's TLS state, nil on
	// plain HTTP.
	RemoteAddr string
	TLS        *tls.ConnectionState
}

// RefusalRecorder is implemented by handlers that log the requests refused before them (the
// router). ctx is the connection's context (it carries the TLS certificate choice); r must not
// be kept after RecordRefusal returns. It must not block.
type RefusalRecorder interface {
	RecordRefusal(ctx context.Context, r *Refusal)
}
