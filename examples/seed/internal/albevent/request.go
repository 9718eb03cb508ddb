// Package albevent reads the event an Application Load Balancer sends to a Lambda function and
// builds responses the load balancer accepts, in both header modes of a Lambda target group
// (attribute lambda.multi_value_headers.enabled). The seed functions use it so that each handler
// reads like plain HTTP code while still showing what the ALB event really contains.
package albevent

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// MultiValue reports whether the event came from a target group with
// lambda.multi_value_headers.enabled=true: the ALB then sends only multiValueHeaders and
// multiValueQueryStringParameters, and honours only multiValueHeaders in the response (LAM-10,
// LAM-24).
func MultiValue(req events.ALBTargetGroupRequest) bool {
	return req.MultiValueHeaders != nil || req.MultiValueQueryStringParameters != nil
}

// Query returns the query string of the event, decoded. The ALB does not URL-decode query keys or
// values (LAM-11: ?q=a%20b arrives as "a%20b"), so the function has to; a pair that is not valid
// percent-encoding is kept as received. With multi-value off, the ALB has already kept only the
// last value of a repeated key (LAM-10).
func Query(req events.ALBTargetGroupRequest) url.Values {
	q := url.Values{}
	for k, vs := range req.MultiValueQueryStringParameters {
		for _, v := range vs {
			q.Add(unescape(k), unescape(v))
		}
	}
	for k, v := range req.QueryStringParameters {
		q.Add(unescape(k), unescape(v))
	}
	return q
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// Header returns the last value of the named request header, or "". The ALB lowercases header
// names in the event (LAM-10), so name is matched case-insensitively.
func Header(req events.ALBTargetGroupRequest, name string) string {
	name = strings.ToLower(name)
	if vs := req.MultiValueHeaders[name]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return req.Headers[name]
}

// Body returns the request body as bytes. The ALB base64-encodes bodies that are not text by
// content type, and every body sent with a content-encoding header (LAM-12).
func Body(req events.ALBTargetGroupRequest) ([]byte, error) {
	if !req.IsBase64Encoded {
		return []byte(req.Body), nil
	}
	b, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, fmt.Errorf("request body marked isBase64Encoded is not base64: %w", err)
	}
	return b, nil
}
