package runtimeapi

import "net/http"

// handleInitError serves POST /runtime/init/error (B.1): accepted with 202 only during Init; the
// error is kept and reported by WaitReady, so the environment's owner can fail the invocation
// that waited for this environment with it (B.5).
func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	if state := s.currentState(); state != stateInit {
		renderProblem(w, problemState, state, "InitError")
		return
	}
	body, _, _, err := readBody(r, s.cfg.MaxResponseSize)
	if err != nil {
		renderProblem(w, problemTruncated, 0, "")
		return
	}
	errorType := r.Header.Get(headerFunctionErr)
	if len(body) == 0 {
		body = errorDocument(errorType, "")
	}
	if !s.failInit(&InitError{Payload: body, ErrorType: errorType}) {
		renderProblem(w, problemState, s.currentState(), "InitError")
		return
	}
	renderAccepted(w)
}

// failInit records e unless the runtime left Init meanwhile.
func (s *Server) failInit(e *InitError) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateInit {
		return false
	}
	s.state = stateInitError
	s.initErr = e
	close(s.initFailed)
	return true
}
