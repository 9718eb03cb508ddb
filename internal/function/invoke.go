package function

import (
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

// Invocation is one call of a function: the event and what the caller says about the call,
// which the runtime receives as Runtime API headers (B.1). Callers that declare their own
// interface over Function (a Lambda target group, the Invoke API) pass what they know; zero
// fields take Lambda's defaults.
type Invocation struct {
	// Payload is the event, at most MaxRequestSize bytes.
	Payload []byte
	// TraceID is the X-Ray trace header (Root=...;Parent=...;Sampled=...), sent as
	// Lambda-Runtime-Trace-Id; "" means a new one.
	TraceID string
	// ClientContext and CognitoIdentity are JSON documents; "" means the header is not sent.
	ClientContext, CognitoIdentity string
	// InvokedFunctionARN is the ARN the caller invoked (with its qualifier, if any), sent as
	// Lambda-Runtime-Invoked-Function-Arn; "" means the function's own ARN (Spec.ARN).
	InvokedFunctionARN string
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
