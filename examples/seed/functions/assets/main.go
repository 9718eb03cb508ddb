// Command assets serves static files from an S3 bucket as a Lambda function behind the load
// balancer rule for /assets/*. The request path is the object key (/assets/style.css → key
// assets/style.css). It answers with the object's Content-Type, ETag, Last-Modified and
// Cache-Control, 304 for a matching If-None-Match, 404 for a missing key, binary bodies
// base64-encoded to the load balancer, and a redirect to a presigned S3 URL for objects too large
// for the 1 MB limit on a Lambda response behind an ALB (LAM-27).
//
// Environment (the same function works against AWS S3 with only ASSETS_BUCKET set):
//
//	ASSETS_BUCKET         bucket name (required)
//	ASSETS_CACHE_CONTROL  Cache-Control for objects stored without one; default public, max-age=300
//	S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: see package s3client.
package main

import (
	"cmp"
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/examples/seed/internal/s3client"
)

// defaultCacheControl lets browsers reuse an asset for five minutes, then revalidate with its ETag.
const defaultCacheControl = "public, max-age=300"

func main() {
	bucket := os.Getenv("ASSETS_BUCKET")
	if bucket == "" {
		// Failing init is what Lambda shows as an init error; the message lands in the logs.
		log.Fatal("assets: ASSETS_BUCKET is not set")
	}
	client, err := s3client.New(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("assets: %v", err)
	}
	s := &server{
		store:        client,
		presign:      s3.NewPresignClient(client),
		bucket:       bucket,
		cacheControl: cmp.Or(os.Getenv("ASSETS_CACHE_CONTROL"), defaultCacheControl),
	}
	lambda.Start(s.handle)
}
