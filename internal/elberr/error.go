// Package elberr is Albatross's one error taxonomy: every failure that makes the load balancer
// answer by itself carries the status an ALB would send, the access log's error_reason, and who is
// to blame. One writer turns it into the ALB's response.
package elberr

import "fmt"

// Source says who caused a failure; it decides the metric that counts it.
type Source int

// Sources of failures.
const (
	// SourceLoadBalancer is a failure of Albatross itself or of its configuration.
	SourceLoadBalancer Source = iota
	// SourceClient is a malformed or disallowed request.
	SourceClient
	// SourceTarget is an HTTP target that refused, broke or timed out.
	SourceTarget
	// SourceFunction is a Lambda function that failed (LambdaUserError).
	SourceFunction
	// SourceLambdaService is the function machinery failing (LambdaInternalError).
	SourceLambdaService
)

// Error is a failure answered by the load balancer itself.
type Error struct {
	// Status is the HTTP status the client gets (§7).
	Status int
	// Reason is the access log's error_reason (§8.3, LAM-*), or "" for none ("-" in the log).
	Reason string
	// Source is who is to blame.
	Source Source
	// Detail, when non-empty, is sent to the client in the X-Albatross-Error header. Only strict
	// mode sets it, so that production responses stay byte-for-byte ALB's.
	Detail string
	// Err is the underlying cause, for logs.
	Err error
}

// Error describes the failure for logs.
func (e *Error) Error() string {
	msg := fmt.Sprintf("%d", e.Status)
	if e.Reason != "" {
		msg += " " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
