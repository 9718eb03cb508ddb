package albevent

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Response is an HTTP answer being built by a handler; For turns it into the JSON object the ALB
// expects from the function.
type Response struct {
	// Status is the HTTP status code; zero means 200.
	Status int
	// Header holds the response headers; nil means none.
	Header http.Header
	// Body is the response body; nil means an empty body.
	Body []byte
	// Binary sends Body base64-encoded with isBase64Encoded=true, which the ALB decodes before
	// answering (LAM-20). Needed for any body that is not valid UTF-8 text, such as an image.
	Binary bool
}

// Text returns a Response with a text body of the given content type.
func Text(status int, contentType, body string) Response {
	return Response{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}
}

// JSON returns a Response whose body is v encoded as JSON. A value that cannot be encoded is a
// programming error in the seed and answers 500 with a JSON error.
func JSON(status int, v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"InternalError","message":"response could not be encoded"}}`)
	}
	return Response{
		Status: status,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   append(b, '\n'),
	}
}

// For returns the response in the shape the ALB accepts for req. Both header maps are always set,
// never nil: aws-lambda-go has no omitempty on them, and an ALB rejects "headers": null with 502
// LambdaInvalidResponse (LAM-22). The ALB reads multiValueHeaders when the target group has
// multi-value headers on and headers otherwise (LAM-24), so both carry the same headers; the
// single-value map keeps the last value of a repeated header. For a HEAD request the body is
// dropped, as an HTTP server would.
func (r Response) For(req events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	out := events.ALBTargetGroupResponse{
		StatusCode:        status,
		StatusDescription: strings.TrimSpace(strconv.Itoa(status) + " " + http.StatusText(status)),
		Headers:           make(map[string]string, len(r.Header)),
		MultiValueHeaders: make(map[string][]string, len(r.Header)),
	}
	for name, values := range r.Header {
		if len(values) == 0 {
			continue
		}
		out.Headers[name] = values[len(values)-1]
		out.MultiValueHeaders[name] = append([]string(nil), values...)
	}
	if req.HTTPMethod == http.MethodHead || len(r.Body) == 0 {
		return out
	}
	if r.Binary {
		out.Body = base64.StdEncoding.EncodeToString(r.Body)
		out.IsBase64Encoded = true
	} else {
		out.Body = string(r.Body)
	}
	return out
}
