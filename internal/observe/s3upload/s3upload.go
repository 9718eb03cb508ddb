// Package s3upload puts finished access log files into S3 (or any S3-compatible store) with the
// AWS SDK, kept apart from package observe so that the request path does not link the SDK.
package s3upload

import (
	"bytes"
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/internal/observe"
)

// EndpointEnv names the environment variable that points uploads at an S3-compatible endpoint
// (e.g. http://127.0.0.1:7070 for versitygw); it is used with path-style addressing. The SDK's
// own AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL work as well.
const EndpointEnv = "ALBATROSS_S3_ENDPOINT"

// Uploader stores objects with an S3 client. It is safe for concurrent use.
type Uploader struct {
	client *s3.Client
}

var _ observe.Uploader = (*Uploader)(nil)

// New returns an Uploader configured as the AWS CLI would be (environment, shared config and
// credentials files), in region, with endpoint (or $ALBATROSS_S3_ENDPOINT) when not "".
func New(ctx context.Context, region, endpoint string) (*Uploader, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return nil, err
	}
	if endpoint == "" {
		endpoint = os.Getenv(EndpointEnv)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
	return &Uploader{client: client}, nil
}

// Upload puts gz as bucket/key with the content type and encoding AWS's log objects carry.
func (u *Uploader) Upload(ctx context.Context, bucket, key string, gz []byte) error {
	_, err := u.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(gz),
		ContentType: aws.String("application/x-gzip"),
	})
	return err
}
