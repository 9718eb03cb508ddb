package function

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/albatross-lb/albatross/internal/process"
	"github.com/albatross-lb/albatross/internal/runtimeapi"
)

// Error types Lambda reports for failures outside the function's own code (C.3; RIE fatalerror).
const (
	errorTypeTimeout        = "Sandbox.Timedout"
	errorTypeExit           = "Runtime.ExitError"
	errorTypeEntrypoint     = "Runtime.InvalidEntrypoint"
	errorTypeResponseSize   = "Function.ResponseSizeTooLarge"
	functionErrorUnhandled  = "Unhandled"
	timeoutMessageFormat    = "RequestId: %s Error: Task timed out after %.2f seconds"
	exitMessageFormat       = "RequestId: %s Error: Runtime exited with error: %s"
	exitNoReasonFormat      = "RequestId: %s Error: Runtime exited without providing a reason"
	entrypointMessageFormat = "RequestId: %s Error: Couldn't find valid bootstrap(s): [%s]"
)

// lambdaError is the error document Lambda returns as the payload of platform-made errors.
type lambdaError struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func errorJSON(errorType, message string) []byte {
	b, _ := json.Marshal(lambdaError{ErrorType: errorType, ErrorMessage: message})
	return b
}

// timeoutPayload is the Sandbox.Timedout document, with the configured timeout in seconds to two
// decimals as Lambda words it (B.5, C.3).
func timeoutPayload(requestID string, timeout time.Duration) []byte {
	return errorJSON(errorTypeTimeout, fmt.Sprintf(timeoutMessageFormat, requestID, timeout.Seconds()))
}

// exitPayload is the Runtime.ExitError document for a process that ended mid-invocation or
// before Init completed (B.5, C.3).
func exitPayload(requestID string, exit process.Exit) []byte {
	if exit.Code == 0 && exit.Signal == 0 && exit.Err == nil {
		return errorJSON(errorTypeExit, fmt.Sprintf(exitNoReasonFormat, requestID))
	}
	return errorJSON(errorTypeExit, fmt.Sprintf(exitMessageFormat, requestID, exit))
}

// tooLargePayload is the Function.ResponseSizeTooLarge document (B.3).
func tooLargePayload(size int64) []byte {
	return errorJSON(errorTypeResponseSize, fmt.Sprintf(
		"Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", size, runtimeapi.MaxPayloadSize))
}

// initFailure is why an environment could not be started. It is rendered per invocation, since
// Lambda's messages name the request that met the failure.
type initFailure struct {
	errorType string
	render    func(requestID string) []byte
	cause     string
	logs      []byte // what the process wrote during Init, for the invocation's log tail
}

// Error implements error.
func (e *initFailure) Error() string { return "function: init failed: " + e.errorType + ": " + e.cause }

// payload is the error document for the invocation requestID.
func (e *initFailure) payload(requestID string) []byte { return e.render(requestID) }

func initErrorFailure(ie *runtimeapi.InitError) *initFailure {
	return &initFailure{errorType: ie.ErrorType, cause: string(ie.Payload),
		render: func(string) []byte { return ie.Payload }}
}

func initExitFailure(exit process.Exit) *initFailure {
	return &initFailure{errorType: errorTypeExit, cause: exit.String(),
		render: func(id string) []byte { return exitPayload(id, exit) }}
}

func initTimeoutFailure(limit time.Duration) *initFailure {
	return &initFailure{errorType: errorTypeTimeout, cause: "init timed out",
		render: func(id string) []byte { return timeoutPayload(id, limit) }}
}

// spawnFailure reports a bootstrap that cannot be executed, as Runtime.InvalidEntrypoint.
func spawnFailure(command string, err error) *initFailure {
	return &initFailure{errorType: errorTypeEntrypoint, cause: err.Error(),
		render: func(id string) []byte {
			if errors.Is(err, fs.ErrNotExist) {
				return errorJSON(errorTypeEntrypoint, fmt.Sprintf(entrypointMessageFormat, id, command))
			}
			return errorJSON(errorTypeEntrypoint, fmt.Sprintf("RequestId: %s Error: %v", id, err))
		}}
}
