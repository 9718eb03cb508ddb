// Command hello is a tiny aws-lambda-go function that lives in a subdirectory of its module.
package main

import (
	"context"

	"example.com/lambdamod/greet"
	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Name string `json:"name"`
}

type response struct {
	Message string `json:"message"`
}

func handle(_ context.Context, req request) (response, error) {
	return response{Message: greet.Hello(req.Name)}, nil
}

func main() {
	lambda.Start(handle)
}
