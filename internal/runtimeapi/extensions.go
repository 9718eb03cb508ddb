package runtimeapi

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"time"
)

// maxExtensions is Lambda's limit of registered extensions per function (B.6).
const maxExtensions = 10

// registerResponse is the body Lambda returns to POST /extension/register (B.6).
type registerResponse struct {
	FunctionName    string `json:"functionName"`
	FunctionVersion string `json:"functionVersion"`
	Handler         string `json:"handler"`
}

// handleExtensionRegister serves POST /2020-01-01/extension/register: 200 with a fresh
// Lambda-Extension-Identifier. aws-lambda-go registers an internal extension this way when
// SIGTERM handling is enabled (B.6), so answering it keeps such functions alive. Registration is
// only possible during Init.
func (s *Server) handleExtensionRegister(w http.ResponseWriter, r *http.Request) {
	id := newUUID()
	s.mu.Lock()
	state, count := s.state, len(s.extensions)
	if state == stateInit && count < maxExtensions {
		s.extensions[id] = r.Header.Get(headerExtensionName)
	}
	s.mu.Unlock()
	if state != stateInit || count >= maxExtensions {
		renderProblem(w, problemState, state, "ExtensionRegister")
		return
	}
	w.Header().Set(headerExtensionID, id)
	renderJSON(w, http.StatusOK, registerResponse{
		FunctionName:    s.cfg.FunctionName,
		FunctionVersion: s.cfg.FunctionVersion,
		Handler:         s.cfg.Handler,
	})
}

// shutdownEvent is the only event extensions receive here: INVOKE events are not forwarded.
type shutdownEvent struct {
	EventType      string `json:"eventType"`
	DeadlineMs     int64  `json:"deadlineMs"`
	ShutdownReason string `json:"shutdownReason"`
}

// handleExtensionNext serves GET /2020-01-01/extension/event/next: it blocks until the
// environment shuts down and then sends a SHUTDOWN event (B.6).
func (s *Server) handleExtensionNext(w http.ResponseWriter, r *http.Request) {
	if p := s.checkExtension(r); p != "" {
		renderProblem(w, p, 0, "")
		return
	}
	select {
	case <-s.closed:
		w.Header().Set(headerExtensionEventID, newUUID())
		renderJSON(w, http.StatusOK, shutdownEvent{
			EventType:      "SHUTDOWN",
			DeadlineMs:     time.Now().Add(500 * time.Millisecond).UnixMilli(),
			ShutdownReason: "spindown",
		})
	case <-r.Context().Done():
	}
}

// handleExtensionError serves POST /extension/init/error and /extension/exit/error: 202 for a
// registered extension (B.6).
func (s *Server) handleExtensionError(w http.ResponseWriter, r *http.Request) {
	if p := s.checkExtension(r); p != "" {
		renderProblem(w, p, 0, "")
		return
	}
	renderAccepted(w)
}

// checkExtension refuses requests without a registered Lambda-Extension-Identifier with 403, as
// Lambda does (B.6).
func (s *Server) checkExtension(r *http.Request) problem {
	id := r.Header.Get(headerExtensionID)
	if id == "" {
		return problemMissingExt
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.extensions[id]; !ok {
		return problemInvalidExt
	}
	return ""
}

// newUUID returns a random (version 4) UUID in its canonical text form.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
