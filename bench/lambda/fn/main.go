// Command fn is the benchmark's Go Lambda function (runtime provided.al2023, aws-lambda-go): it
// answers an ALB target-group event with hello.Respond. Albatross builds and runs it from this
// folder (`build: go`); bench/lambda/run.sh also builds it as the bootstrap the AWS Lambda Runtime
// Interface Emulator runs, so both measure the same program.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
)

// headers is shared by every response: the map is only read when the runtime marshals it.
var headers = map[string]string{"Content-Type": hello.ContentType}

// handle answers one event. Both header fields are set, never nil: aws-lambda-go marshals a nil
// map as null, which the ALB rejects as an invalid response (LAM-22), and which field the load
// balancer reads depends on the target group's multi-value setting (LAM-24).
func handle(_ context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	a := hello.Respond(req.HTTPMethod, req.Path)
	return events.ALBTargetGroupResponse{
		StatusCode:        a.Status,
		Headers:           headers,
		MultiValueHeaders: map[string][]string{},
		Body:              a.Body,
	}, nil
}

func main() {
	lambda.Start(handle)
}
