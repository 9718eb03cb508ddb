package runtimeapi

import (
	"net/http"
	"strconv"
	"time"
)

// handleNext serves GET /runtime/invocation/next: it blocks, without a timeout (B.5), until an
// invocation arrives, then answers 200 with the event and its headers (B.1). Calling it while
// holding an unanswered invocation, or twice at once, is refused with 403.
func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	if p, from := s.startPolling(); p != "" {
		renderProblem(w, p, from, "Ready")
		return
	}
	defer s.stopPolling()
	for {
		select {
		case c := <-s.pending:
			if s.handOut(c) {
				writeInvocation(w, c.inv)
				return
			}
		case <-r.Context().Done():
			return
		case <-s.closed:
			renderProblem(w, problemInternal, 0, "")
			return
		}
	}
}

// startPolling moves the runtime to Ready; the first call ends Init (B.5).
func (s *Server) startPolling() (problem, runtimeState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.state == stateInitError:
		return problemState, s.state
	case s.current != nil || s.polling:
		return problemState, stateInvoking
	}
	s.polling = true
	if s.state == stateInit {
		close(s.ready)
	}
	s.state = stateReady
	return "", s.state
}

func (s *Server) stopPolling() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polling = false
}

// handOut records c as the invocation in flight, unless its Dispatch already gave up.
func (s *Server) handOut(c *call) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.abandoned {
		return false
	}
	s.current = c
	s.state = stateInvoking
	return true
}

// writeInvocation renders the event; headers with empty values are left out, as RIE does (B.1).
func writeInvocation(w http.ResponseWriter, inv *Invocation) {
	deadline := inv.Deadline
	if deadline.IsZero() {
		deadline = time.Now()
	}
	contentType := inv.ContentType
	if contentType == "" {
		contentType = contentTypeJSON
	}
	// One backing array for all values instead of one slice per field: the names are
	// canonical already, so Header.Set would only add an allocation per field.
	values := make([]string, 0, 8)
	h := w.Header()
	set := func(name, value string) {
		if value != "" {
			values = append(values, value)
			h[name] = values[len(values)-1 : len(values) : len(values)]
		}
	}
	set("Content-Type", contentType)
	set("Lambda-Runtime-Aws-Request-Id", inv.RequestID)
	set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline.UnixMilli(), 10))
	set("Lambda-Runtime-Invoked-Function-Arn", inv.InvokedFunctionARN)
	set("Lambda-Runtime-Trace-Id", inv.TraceID)
	set("Lambda-Runtime-Client-Context", inv.ClientContext)
	set("Lambda-Runtime-Cognito-Identity", inv.CognitoIdentity)
	set("Content-Length", strconv.Itoa(len(inv.Payload)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.Payload)
}
