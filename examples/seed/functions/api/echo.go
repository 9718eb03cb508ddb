package main

import (
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
)

// echo answers with the event as received plus what the albevent helpers make of it, so a reader
// can see the ALB event format: lowercased header names, the raw query string values (LAM-11), and
// which maps are present in each header mode (LAM-10).
func echo(req events.ALBTargetGroupRequest) albevent.Response {
	body, err := albevent.Body(req)
	decoded := string(body)
	if err != nil {
		decoded = "(" + err.Error() + ")"
	}
	return albevent.JSON(http.StatusOK, map[string]any{
		"event": req,
		"seen_by_the_function": map[string]any{
			"multi_value_headers_mode": albevent.MultiValue(req),
			"query_decoded":            albevent.Query(req),
			"body_decoded":             decoded,
		},
	})
}
