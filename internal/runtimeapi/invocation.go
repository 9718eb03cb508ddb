package runtimeapi

import (
	"context"
	"fmt"
	"time"
)

// Invocation is one event handed to the runtime by GET /next, with the values of its headers.
type Invocation struct {
	// RequestID becomes Lambda-Runtime-Aws-Request-Id; the runtime answers under this ID.
	RequestID string
	// Payload is the event body, passed through verbatim.
	Payload []byte
	// ContentType is the event's content type; "" means application/json.
	ContentType string
	// Deadline becomes Lambda-Runtime-Deadline-Ms (Unix epoch milliseconds). aws-lambda-go cannot
	// run a handler without it (B.8), so a zero Deadline is sent as "now".
	Deadline time.Time
	// InvokedFunctionARN becomes Lambda-Runtime-Invoked-Function-Arn.
	InvokedFunctionARN string
	// TraceID becomes Lambda-Runtime-Trace-Id (Root=...;Parent=...;Sampled=...).
	TraceID string
	// ClientContext and CognitoIdentity are JSON documents; headers are sent only when non-empty.
	ClientContext, CognitoIdentity string
}

// Result is what the runtime posted for an invocation.
type Result struct {
	// Payload is the response body, or the error document of an error result. It is nil when
	// TooLarge is set.
	Payload []byte
	// ContentType is the Content-Type the runtime posted with the result.
	ContentType string
	// Error is true for POST /error and for a streamed response that ended with an error trailer.
	Error bool
	// ErrorType is Lambda-Runtime-Function-Error-Type from the header or trailer, "" if absent.
	// Many runtimes never send it (B.1), so it must not decide anything on its own.
	ErrorType string
	// TooLarge is true when the body exceeded the size limit; the runtime was answered 413.
	TooLarge bool
	// Size is the body's length in bytes, including the part beyond the limit when TooLarge.
	Size int64
}

// InitError is the error a runtime posted to /runtime/init/error (B.1).
type InitError struct {
	// Payload is the posted body, or a document built from ErrorType when the body was empty.
	Payload []byte
	// ErrorType is the Lambda-Runtime-Function-Error-Type header, "" if absent.
	ErrorType string
}

// Error implements error.
func (e *InitError) Error() string {
	return fmt.Sprintf("runtimeapi: init error %s: %s", e.ErrorType, e.Payload)
}

// call is an invocation in flight between Dispatch and the handlers.
type call struct {
	inv       *Invocation
	done      chan *Result // buffered 1: the handler never blocks on a gone Dispatch
	abandoned bool         // guarded by Server.mu
}

// WaitReady blocks until the runtime first calls GET /next, which ends the Init phase (B.5). It
// returns an *InitError if the runtime posted /runtime/init/error instead, context.Cause(ctx)
// when ctx ends first (the caller cancels it when the process exits), or ErrClosed.
func (s *Server) WaitReady(ctx context.Context) error {
	select {
	case <-s.ready:
		return nil
	case <-s.initFailed:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.initErr
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-s.closed:
		return ErrClosed
	}
}

// Dispatch hands inv to the runtime's next GET /next and waits for its result. It blocks until the
// runtime answers, ctx ends or the server closes. Errors from before the runtime received the
// event wrap ErrUndelivered; later ones are context.Cause(ctx) or ErrClosed, and any result the
// runtime posts afterwards is refused. Only one Dispatch may be outstanding at a time: an
// environment runs one invocation at a time (B.5).
func (s *Server) Dispatch(ctx context.Context, inv *Invocation) (*Result, error) {
	c := &call{inv: inv, done: make(chan *Result, 1)}
	select {
	case s.pending <- c:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrUndelivered, context.Cause(ctx))
	case <-s.closed:
		return nil, fmt.Errorf("%w: %w", ErrUndelivered, ErrClosed)
	}
	select {
	case r := <-c.done:
		return r, nil
	case <-ctx.Done():
		s.abandon(c)
		return nil, context.Cause(ctx)
	case <-s.closed:
		s.abandon(c)
		return nil, ErrClosed
	}
}

// abandon forgets c so that a late result for it is refused like a second result.
func (s *Server) abandon(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.abandoned = true
	if s.current == c {
		s.current = nil
		s.state = stateReady
	}
	s.lastID = c.inv.RequestID
}

// finish delivers r for the invocation named id. It returns the problem to render instead when id
// is not the invocation in flight.
func (s *Server) finish(id string, r *Result) problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.refusalLocked(id); p != "" {
		return p
	}
	s.current.done <- r
	s.current = nil
	s.lastID = id
	s.state = stateReady
	return ""
}

// refusal says why a result for id cannot be accepted: 403 for the invocation just answered or
// abandoned (a second result), 400 InvalidRequestID for any other ID that is not in flight.
func (s *Server) refusal(id string) problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refusalLocked(id)
}

func (s *Server) refusalLocked(id string) problem {
	switch {
	case s.current != nil && s.current.inv.RequestID == id:
		return ""
	case id != "" && id == s.lastID:
		return problemState
	default:
		return problemRequestID
	}
}

// InitErr returns the error posted to /runtime/init/error, or nil. A runtime usually exits right
// after posting it; callers that saw the exit first use this to report the posted error.
func (s *Server) InitErr() *InitError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}
