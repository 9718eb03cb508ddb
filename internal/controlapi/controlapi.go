// Package controlapi is the AWS wire plumbing shared by Albatross's control plane APIs: request
// IDs, the Query protocol's form input and XML envelopes (ELBv2, docs/spec.md A.1-A.5), the
// REST-JSON error shape (Lambda, C.4) and SigV4 verification (A.2). The APIs themselves live in
// the elbv2 and lambda packages beneath.
package controlapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
)

// Error is an AWS API error: a code clients dispatch typed errors on, a message, and the HTTP
// status. Sender says whether the caller is at fault (Query protocol Error>Type).
type Error struct {
	Code    string
	Message string
	Status  int
	// Header holds extra response headers (e.g. Retry-After); may be nil.
	Header http.Header
	// Fields are extra members of a JSON error body (e.g. Lambda's Reason); may be nil.
	Fields map[string]string
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with status 400, the status of every modelled ELBv2 client error
// (A.4).
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// NewRequestID returns a random UUID, the form AWS request IDs take.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type requestIDKey struct{}

// WithRequestID gives every request an ID, echoed in the x-amzn-RequestId header that both SDKs
// read (A.3, C.2), and available to handlers through RequestID.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := NewRequestID()
		w.Header().Set("x-amzn-RequestId", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// RequestID returns the request's ID, or a new one when WithRequestID did not run.
func RequestID(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		return id
	}
	return NewRequestID()
}
