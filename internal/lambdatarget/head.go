package lambdatarget

import (
	"net/http"
	"strconv"
)

// HEAD requests (docs/lambda-contract.md, "HEAD"). The function is invoked with httpMethod HEAD
// and answers with the header fields a GET would get (RFC 9110 §9.3.2), usually with no body.
// Its Content-Length then describes the GET representation: computing one from the empty body
// (LAM-25 for every other response) would announce a 0-byte resource. So for a HEAD answered
// without a body the function's own Content-Length is kept, and none is sent when it gave none
// (RFC 9110 section 8.6 lets a HEAD response leave it out). A function that ignores the method and returns the
// GET body gets that body's length, without the body.

// contentLength returns the Content-Length of resp as an answer to r, "" for none.
func contentLength(r *http.Request, resp *response) string {
	if r.Method == http.MethodHead && len(resp.body) == 0 {
		return headLength(resp.declaredLength)
	}
	return strconv.Itoa(len(resp.body))
}

// headLength returns declared in canonical form when it is a valid Content-Length (1*DIGIT, in
// range), else "" (a malformed value is dropped, not passed on).
func headLength(declared string) string {
	if declared == "" || declared[0] < '0' || declared[0] > '9' {
		return ""
	}
	n, err := strconv.ParseInt(declared, 10, 64)
	if err != nil || n < 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// warnLength flags, in strict mode, a Content-Length the function sent that is not what the
// client gets: replaced by the body's real length, or dropped from a HEAD answer as malformed.
func (resp *response) warnLength(r *http.Request) {
	if !resp.warn || resp.declaredLength == "" {
		return
	}
	if got := contentLength(r, resp); got != resp.declaredLength {
		if got == "" {
			resp.warnf("Content-Length %q dropped: not a valid length", resp.declaredLength)
			return
		}
		resp.warnf("Content-Length %s replaced by the body's real length %d", resp.declaredLength, len(resp.body))
	}
}
