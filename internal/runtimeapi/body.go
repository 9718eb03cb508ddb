package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
)

// readBody reads a result body of at most limit bytes. aws-lambda-go always sends chunked bodies
// with declared trailers (B.2), which the connection loop decodes; trailers are readable once
// the body is consumed. Past the limit the rest is drained only to count it, for the size in
// Lambda's Function.ResponseSizeTooLarge message (B.3).
//
// The body is read into a pooled scratch buffer and copied out at its size. The loop reads a
// body straight from the socket into the caller's slice once its buffer is empty, so reading
// with io.ReadAll's small growing slices (512 bytes, then 896, ...) cost a read(2) for each;
// with 32 KiB offered at once, a typical result takes one, and one allocation.
func readBody(r *http.Request, limit int64) (body []byte, size int64, tooLarge bool, err error) {
	bp := scratchBuffers.Get().(*[]byte)
	defer scratchBuffers.Put(bp)
	scratch := *bp
	if int64(len(scratch)) > limit+1 {
		scratch = scratch[:limit+1]
	}
	n, err := readInto(r.Body, scratch)
	if err == io.EOF && int64(n) <= limit {
		return bytes.Clone(scratch[:n]), int64(n), false, nil
	}
	if err != nil && err != io.EOF {
		return nil, int64(n), false, err
	}
	if int64(n) <= limit { // the body goes on beyond the scratch buffer: read the rest
		body = make([]byte, n, 2*n)
		copy(body, scratch[:n])
		body, err = appendAll(body, io.LimitReader(r.Body, limit+1-int64(n)))
		size = int64(len(body))
		if err != nil {
			return nil, size, false, err
		}
		if size <= limit {
			return body, size, false, nil
		}
	} else {
		size = int64(n)
	}
	rest, err := io.Copy(io.Discard, r.Body)
	return nil, size + rest, true, err
}

// scratchBufferSize is readBody's first read: results up to it take a single read.
const scratchBufferSize = 32 << 10

var scratchBuffers = sync.Pool{New: func() any {
	b := make([]byte, scratchBufferSize)
	return &b
}}

// readInto fills p from r until p is full (nil error) or r ends (io.EOF, with the count) or
// fails.
func readInto(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// appendAll is io.ReadAll appending to b.
func appendAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
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
