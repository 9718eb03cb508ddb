package runtimeapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// readBody reads a result body of at most limit bytes. aws-lambda-go always sends chunked bodies
// with declared trailers (B.2), which net/http decodes; trailers are readable once the body is
// consumed. Past the limit the rest is drained only to count it, for the size in Lambda's
// Function.ResponseSizeTooLarge message (B.3).
func readBody(r *http.Request, limit int64) (body []byte, size int64, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	size = int64(len(body))
	if err != nil {
		return nil, size, false, err
	}
	if size <= limit {
		return body, size, false, nil
	}
	rest, err := io.Copy(io.Discard, r.Body)
	return nil, size + rest, true, err
}

// isTruncated reports whether a body read failed because the request ended early, which Lambda
// answers with 400 TruncatedHTTPRequest.
func isTruncated(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// streamedError returns the error a streamed response reported in its trailers (B.2): the type
// from Lambda-Runtime-Function-Error-Type and the body from the base64 JSON in
// Lambda-Runtime-Function-Error-Body. ok is false when the stream ended without an error.
func streamedError(r *http.Request) (payload []byte, errorType string, ok bool) {
	errorType = r.Trailer.Get(headerFunctionErr)
	if errorType == "" {
		return nil, "", false
	}
	encoded := r.Trailer.Get(headerFunctionBody)
	if decoded, err := base64.StdEncoding.DecodeString(encoded); err == nil && len(decoded) > 0 {
		return decoded, errorType, true
	}
	return errorDocument(errorType, ""), errorType, true
}

// errorDocument builds {"errorMessage","errorType"} for errors that came without a body: Lambda
// then builds the error from the error-type header (runtime-api OpenAPI text, B.1).
func errorDocument(errorType, message string) []byte {
	if errorType == "" {
		errorType = "Runtime.Unknown"
	}
	b, _ := json.Marshal(errorBody{ErrorMessage: message, ErrorType: errorType})
	return b
}
