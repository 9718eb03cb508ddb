package runtimeapi

import (
	"fmt"
	"net/http"
)

// handleResponse serves POST /runtime/invocation/{id}/response (B.1, B.2): 202 when the result is
// accepted, 400 for an unknown request ID or an unknown response mode, 403 for a second result,
// 413 when the body exceeds the limit. Oversize and bad-mode results still end the invocation,
// as function errors, the way Lambda reports them.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	s.serveResponse(w, r, r.PathValue("id"))
}

// serveResponse is handleResponse for the invocation id (the router's short way gives it).
func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request, id string) {
	if p := s.refusal(id); p != "" {
		renderProblem(w, p, s.currentState(), "InvocationResponse")
		return
	}
	if mode := r.Header.Get(headerResponseMode); mode != "" && mode != responseModeStreaming {
		msg := fmt.Sprintf("Runtime response mode %q is not supported", mode)
		s.finish(id, &Result{Error: true, ErrorType: "Runtime.InvalidResponseModeHeader",
			Payload: errorDocument("Runtime.InvalidResponseModeHeader", msg)})
		renderProblem(w, problemMode, 0, "")
		return
	}
	body, size, tooLarge, err := readBody(r, s.cfg.MaxResponseSize)
	if err != nil {
		s.answerReadError(w, id, err)
		return
	}
	result := &Result{Payload: body, ContentType: r.Header.Get("Content-Type"), Size: size, TooLarge: tooLarge}
	if payload, errorType, failed := streamedError(r); failed && !tooLarge {
		result = &Result{Payload: payload, Error: true, ErrorType: errorType, Size: size}
	}
	s.deliver(w, id, result, "InvocationResponse")
}

// handleInvocationError serves POST /runtime/invocation/{id}/error: the body is passed through
// verbatim (aws-lambda-go's stackTrace holds objects, B.1), and an empty body is replaced by a
// document built from Lambda-Runtime-Function-Error-Type.
func (s *Server) handleInvocationError(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if p := s.refusal(id); p != "" {
		renderProblem(w, p, s.currentState(), "InvocationErrorResponse")
		return
	}
	body, size, tooLarge, err := readBody(r, s.cfg.MaxResponseSize)
	if err != nil {
		s.answerReadError(w, id, err)
		return
	}
	errorType := r.Header.Get(headerFunctionErr)
	if len(body) == 0 && !tooLarge {
		body = errorDocument(errorType, "")
	}
	result := &Result{Payload: body, ContentType: r.Header.Get("Content-Type"), Error: true,
		ErrorType: errorType, Size: size, TooLarge: tooLarge}
	s.deliver(w, id, result, "InvocationErrorResponse")
}

// deliver ends the invocation id with result and answers the runtime: the refusal when id is no
// longer in flight (to names the refused transition), 413 when result is TooLarge, else 202.
func (s *Server) deliver(w http.ResponseWriter, id string, result *Result, to string) {
	if p := s.finish(id, result); p != "" {
		renderProblem(w, p, s.currentState(), to)
		return
	}
	if result.TooLarge {
		renderTooLarge(w, s.cfg.MaxResponseSize)
		return
	}
	renderAccepted(w)
}

// answerReadError ends the invocation when its result could not be read at all: a truncated body
// is a 400 for the runtime and an Unhandled Runtime error for the caller.
func (s *Server) answerReadError(w http.ResponseWriter, id string, err error) {
	s.finish(id, &Result{Error: true, ErrorType: "Runtime.TruncatedResponse",
		Payload: errorDocument("Runtime.TruncatedResponse", err.Error())})
	if isTruncated(err) {
		renderProblem(w, problemTruncated, 0, "")
		return
	}
	renderProblem(w, problemInternal, 0, "")
}

func (s *Server) currentState() runtimeState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}
