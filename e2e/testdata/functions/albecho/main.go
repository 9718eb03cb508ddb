// Command albecho is a test function built with aws-lambda-go: it answers with the raw ALB event
// it received, or misbehaves on request (by path) so tests can see how the load balancer reacts.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var req events.ALBTargetGroupRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	lc, _ := lambdacontext.FromContext(ctx)
	switch {
	case strings.HasSuffix(req.Path, "/error"):
		return nil, errors.New("something went wrong")
	case strings.HasSuffix(req.Path, "/exit"):
		os.Exit(3)
	case strings.HasSuffix(req.Path, "/sleep"):
		time.Sleep(5 * time.Second)
	case strings.HasSuffix(req.Path, "/slow"):
		time.Sleep(100 * time.Millisecond)
	case strings.HasSuffix(req.Path, "/binary"):
		return map[string]any{"statusCode": 201, "isBase64Encoded": true, "body": base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff}),
			"headers": map[string]string{"Content-Type": "application/octet-stream"}}, nil
	case strings.HasSuffix(req.Path, "/null-body"):
		return map[string]any{"statusCode": 200, "body": nil}, nil
	case strings.HasSuffix(req.Path, "/minimal"):
		return map[string]any{"statusCode": 200}, nil
	case strings.HasSuffix(req.Path, "/hop"):
		return map[string]any{"statusCode": 200, "body": "x", "headers": map[string]string{"Connection": "close", "Transfer-Encoding": "chunked", "X-Kept": "yes"}}, nil
	}
	return map[string]any{
		"statusCode":        200,
		"statusDescription": "200 OK",
		"headers": map[string]string{"Content-Type": "application/json", "X-Request-Id": lc.AwsRequestID,
			"X-Invoked-Arn": lc.InvokedFunctionArn, "X-Trace": os.Getenv("_X_AMZN_TRACE_ID"), "X-Version": os.Getenv("VERSION")},
		"multiValueHeaders": map[string][]string{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}},
		"body":              string(raw),
	}, nil
}

func main() {
	lambda.Start(handle)
}
