package runtimeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// problem names a Runtime API error answer; "" means none.
type problem string

// The Runtime API's own error types and statuses (B.1; RIE rendering constants).
const (
	problemState           problem = "InvalidStateTransition"
	problemRequestID       problem = "InvalidRequestID"
	problemTooLarge        problem = "RequestEntityTooLarge"
	problemTruncated       problem = "TruncatedHTTPRequest"
	problemMode            problem = "InvalidFunctionResponseMode"
	problemInternal        problem = "InternalServerError"
	problemMissingExt      problem = "Extension.MissingExtensionIdentifier"
	problemInvalidExt      problem = "Extension.InvalidExtensionIdentifier"
	contentTypeJSON                = "application/json"
	headerFunctionErr              = "Lambda-Runtime-Function-Error-Type"
	headerFunctionBody             = "Lambda-Runtime-Function-Error-Body"
	headerResponseMode             = "Lambda-Runtime-Function-Response-Mode"
	headerExtensionID              = "Lambda-Extension-Identifier"
	headerExtensionName            = "Lambda-Extension-Name"
	headerExtensionEventID         = "Lambda-Extension-Event-Identifier"
	responseModeStreaming          = "streaming"
)

// errorBody is the Runtime API's error document, {"errorMessage","errorType"}.
type errorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// renderProblem writes p with its status and a message in Lambda's wording; from and to name the
// refused state transition for InvalidStateTransition.
func renderProblem(w http.ResponseWriter, p problem, from runtimeState, to string) {
	status, msg := http.StatusInternalServerError, "Internal Server Error"
	switch p {
	case problemState:
		status = http.StatusForbidden
		msg = fmt.Sprintf("State transition from %s to %s failed for runtime. Error: State transition is not allowed", from, to)
	case problemRequestID:
		status, msg = http.StatusBadRequest, "Invalid request ID"
	case problemTruncated:
		status, msg = http.StatusBadRequest, "HTTP request detected as truncated"
	case problemMode:
		status, msg = http.StatusBadRequest, "Invalid function response mode"
	case problemMissingExt:
		status, msg = http.StatusForbidden, "Extension Identifier header not found"
	case problemInvalidExt:
		status, msg = http.StatusForbidden, "Invalid extension identifier"
	}
	renderJSON(w, status, errorBody{ErrorMessage: msg, ErrorType: string(p)})
}

// renderTooLarge is the 413 for a result body over limit bytes (B.3).
func renderTooLarge(w http.ResponseWriter, limit int64) {
	renderJSON(w, http.StatusRequestEntityTooLarge, errorBody{
		ErrorMessage: fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", limit),
		ErrorType:    string(problemTooLarge),
	})
}

// renderAccepted is the 202 {"status":"OK"} every accepted post gets; aws-lambda-go exits on any
// other status (B.8).
func renderAccepted(w http.ResponseWriter) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write(acceptedBody)
}

// acceptedBody is renderAccepted's body, encoded once rather than per result; jsonContentType
// is its Content-Type value, shared read-only (response writers never modify a header's values).
var (
	acceptedBody    = []byte(`{"status":"OK"}`)
	jsonContentType = []string{contentTypeJSON}
)

// renderStub answers subscriptions we accept without acting on them (B.6).
func renderStub(w http.ResponseWriter, _ *http.Request) {
	renderAccepted(w)
}

func renderJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
