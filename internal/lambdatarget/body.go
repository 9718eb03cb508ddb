package lambdatarget

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// MaxRequestBody is the largest request body sent to a function: "1 MB" in the ALB docs (LAM-03),
// read as 1 MiB of raw body bytes as the client sent them, before any base64 encoding (§12.5).
const MaxRequestBody = 1 << 20

// MaxResponsePayload is the largest response JSON a function may return: "1 MB" (LAM-27), read
// as 1 MiB, the same unit as MaxRequestBody (§12.5).
const MaxResponsePayload = 1 << 20

// errBodyTooLarge is the cause of LAM-03's 413.
var errBodyTooLarge = fmt.Errorf("request body exceeds %d bytes", MaxRequestBody)

// readBody reads the whole request body before the function is invoked (LAM-02). A body over
// MaxRequestBody is refused with 413 LambdaRequestTooLarge (LAM-03, T9), without reading it when
// Content-Length already says so. A body the client did not finish sending is ALB's 400 (§7).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > MaxRequestBody {
		return nil, userError(http.StatusRequestEntityTooLarge, ReasonRequestTooLarge, errBodyTooLarge)
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength + 1 // +1 so that the final read sees EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxRequestBody {
			return nil, userError(http.StatusRequestEntityTooLarge, ReasonRequestTooLarge, errBodyTooLarge)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, clientBodyError(err)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func clientBodyError(err error) error {
	var given *elberr.Error
	if errors.As(err, &given) {
		return given // the listener's verdict, e.g. 408 for a client silent mid-body (TMO-01)
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return userError(http.StatusRequestEntityTooLarge, ReasonRequestTooLarge, err)
	}
	// §7: the client closed the connection before sending the whole body.
	return &elberr.Error{Status: http.StatusBadRequest, Source: elberr.SourceClient, Err: err}
}

// sendsAsText is LAM-12: a body goes to the function as text only when there is no
// Content-Encoding header (whatever its value) and the media type is text/*, application/json,
// application/javascript or application/xml. Matching ignores parameters (`; charset=utf-8`) and
// case; structured-syntax suffixes such as application/problem+json are not in the documented
// list and are sent as base64 (§12.6).
func sendsAsText(h http.Header) bool {
	if _, ok := h["Content-Encoding"]; ok {
		return false
	}
	return isTextMediaType(h.Get("Content-Type"))
}

func isTextMediaType(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	if len(mediaType) > len("text/") && strings.EqualFold(mediaType[:len("text/")], "text/") {
		return true
	}
	return strings.EqualFold(mediaType, "application/json") ||
		strings.EqualFold(mediaType, "application/javascript") ||
		strings.EqualFold(mediaType, "application/xml")
}
