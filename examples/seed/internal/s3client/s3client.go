// Package s3client builds the S3 client of the seed programs from environment variables, so the
// assets function and the seeder reach the same bucket the same way, and the function works
// unchanged against AWS S3.
package s3client

import (
	"cmp"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// New returns an S3 client configured by these variables, read through getenv:
//
//	S3_ENDPOINT           endpoint of an S3-compatible server, e.g. http://127.0.0.1:7070;
//	                      empty means AWS S3. Setting it switches to path-style addressing,
//	                      which S3-compatible servers on an IP address need.
//	S3_REGION             signing region; default AWS_REGION, then us-east-1
//	S3_ACCESS_KEY_ID      static credentials; empty means the SDK's default chain (on Lambda: the
//	S3_SECRET_ACCESS_KEY  execution role). Lambda reserves AWS_ACCESS_KEY_ID for that role, so
//	                      these names are separate.
func New(ctx context.Context, getenv func(string) string) (*s3.Client, error) {
	region := cmp.Or(getenv("S3_REGION"), getenv("AWS_REGION"), "us-east-1")
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if id := getenv("S3_ACCESS_KEY_ID"); id != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(id, getenv("S3_SECRET_ACCESS_KEY"), "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws config: %w", err)
	}
	endpoint := getenv("S3_ENDPOINT")
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	}), nil
}
