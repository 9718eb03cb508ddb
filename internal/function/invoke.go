package function

import (
	"context"
	"errors"
)

// Response is the outcome of an invocation that ran: the function's result payload, or the error
// payload of a function error. A function error is not a Go error, exactly as in Lambda's Invoke
// API, where it is a 200 with X-Amz-Function-Error set.
type Response struct {
	// Payload is what the function returned (or the error JSON of a function error).
	Payload []byte
	// FunctionError is "" on success, "Unhandled" for errors reported through the Runtime API's
	// /error endpoints, crashes and timeouts.
	FunctionError string
	// RequestID is the invocation's request ID (Lambda-Runtime-Aws-Request-Id).
	RequestID string
	// LogTail holds the last 4 KB of the log lines written during the invocation.
	LogTail []byte
}

// Invoker runs one invocation. Implementations are safe for concurrent use; Invoke blocks until
// the function answers, fails, times out, or ctx is done.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) (*Response, error)
}

// Errors for invocations that did not run or could not complete. They map to Lambda Invoke API
// errors (C.4) and to ALB error reasons (LAM-*).
var (
	// ErrThrottled means no execution environment became free within the queue's bounds
	// (TooManyRequestsException, ALB LambdaThrottling).
	ErrThrottled = errors.New("function: rate exceeded")
	// ErrRequestTooLarge means the payload exceeds the synchronous invocation limit of 6 MB
	// (RequestTooLargeException).
	ErrRequestTooLarge = errors.New("function: request payload too large")
	// ErrResponseTooLarge means the function's response exceeds the 6 MB limit.
	ErrResponseTooLarge = errors.New("function: response payload too large")
	// ErrStopped means the function is shutting down or was removed.
	ErrStopped = errors.New("function: stopped")
	// ErrInvalidRuntime means the function cannot run at all: its runtime or package type has no
	// support here (Lambda's InvalidRuntimeException, ALB LambdaInvalidRuntimeException).
	ErrInvalidRuntime = errors.New("function: runtime not supported")
)
