// Command chaos is a misbehaving test function for the chaos test, built with aws-lambda-go: the
// last path segment says how it fails. With CHAOS_INIT_FAIL=1 its Init fails instead (it exits
// before asking for an event), as a broken deployment would.
package main

import (
	"context"
	"errors"
	"os"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// handle answers with a map, not events.ALBTargetGroupResponse: that type sends
// "multiValueHeaders": null, which the ALB refuses (LAM-21).
func handle(ctx context.Context, req events.ALBTargetGroupRequest) (map[string]any, error) {
	what := path.Base(req.Path)
	switch what {
	case "error":
		return nil, errors.New("chaos: failed")
	case "crash":
		os.Exit(7)
	case "hang":
		time.Sleep(30 * time.Second) // far past the function's timeout
	case "flood":
		line := strings.Repeat("x", 1023) + "\n"
		for range 1024 { // 1 MiB of output in one invocation
			_, _ = os.Stdout.WriteString(line)
		}
	}
	return map[string]any{"statusCode": 200, "headers": map[string]string{"Content-Type": "text/plain"}, "body": what}, nil
}

func main() {
	if os.Getenv("CHAOS_INIT_FAIL") == "1" {
		os.Stderr.WriteString("chaos: init fails\n")
		os.Exit(3)
	}
	lambda.Start(handle)
}
