// Command hello is a Lambda function written with aws-lambda-go, exactly as it would be deployed
// behind a real ALB: it reads the ALB event and answers with a small HTML page.
package main

import (
	"context"
	"fmt"
	"html"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	name := req.QueryStringParameters["name"]
	if name == "" {
		name = "world"
	}
	body := fmt.Sprintf("<!doctype html><title>hello</title><h1>Hello, %s!</h1><p>%s %s served by a Lambda function via target group %s</p>\n",
		html.EscapeString(name), html.EscapeString(req.HTTPMethod), html.EscapeString(req.Path),
		html.EscapeString(req.RequestContext.ELB.TargetGroupArn))
	return events.ALBTargetGroupResponse{
		StatusCode:        200,
		StatusDescription: "200 OK",
		Headers:           map[string]string{"Content-Type": "text/html; charset=utf-8"},
		// ALB rejects "multiValueHeaders": null (LAM-22), and this struct has no omitempty.
		MultiValueHeaders: map[string][]string{},
		Body:              body,
	}, nil
}

func main() {
	lambda.Start(handle)
}
