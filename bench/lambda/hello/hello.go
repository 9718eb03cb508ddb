// Package hello is the benchmark's handler logic, shared by the Lambda function (bench/lambda/fn)
// and the plain HTTP server (bench/lambda/httpfn), so that the two variants do the same work and
// differ only in how the request reaches them: an ALB Lambda event through the Runtime API, or an
// HTTP request proxied by the load balancer.
package hello

import (
	"net/http"
	"strconv"
)

// Marker is in every successful answer. The load generator counts an answer as successful only
// when its status is 200 and its body contains Marker, because an emulator can answer 200 with an
// error document instead of the function's response.
const Marker = "albatross-fnbench-ok"

// ContentType is the content type of every answer.
const ContentType = "application/json"

// Answer is what the handler returns: a status, and a body of type ContentType.
type Answer struct {
	Status int
	Body   string
}

// Respond answers one request from its method and path (the path without the query string, as
// in the ALB event's `path` field, LAM-10). GET and HEAD are answered 200 with a small JSON
// document naming the marker, the method and the path; other methods get 405, so that a
// misrouted load shows up as errors instead of as speed.
func Respond(method, path string) Answer {
	if method != http.MethodGet && method != http.MethodHead {
		return Answer{Status: http.StatusMethodNotAllowed, Body: `{"error":"use GET"}`}
	}
	b := make([]byte, 0, 64+len(path))
	b = append(b, `{"ok":"`+Marker+`","method":`...)
	b = strconv.AppendQuote(b, method)
	b = append(b, `,"path":`...)
	b = strconv.AppendQuote(b, path)
	b = append(b, '}')
	return Answer{Status: http.StatusOK, Body: string(b)}
}
