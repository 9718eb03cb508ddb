// Command seed fills the demo's S3 bucket: it creates the bucket if needed, uploads every file
// under -dir with its key as the relative path (bucket/assets/style.css → assets/style.css), a
// Content-Type from the extension and a Cache-Control, and adds a generated JPEG larger than the
// 1 MB Lambda response limit to show how the assets function answers for it.
//
// The S3 endpoint and credentials come from the environment, as for the assets function (package
// s3client): S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY.
//
//	seed -bucket albatross-demo-assets -dir examples/seed/bucket
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/albatross-lb/albatross/examples/seed/internal/s3client"
)

func main() {
	bucket := flag.String("bucket", "albatross-demo-assets", "bucket to create and fill")
	dir := flag.String("dir", "bucket", "folder whose files become the objects")
	largeKey := flag.String("large-key", "assets/large.jpg", "key of the generated object over 1 MB; empty skips it")
	wait := flag.Duration("wait", 30*time.Second, "how long to wait for the S3 server to answer")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *wait+time.Minute)
	defer cancel()
	client, err := s3client.New(ctx, os.Getenv)
	if err != nil {
		fail(err)
	}
	sd := &seeder{client: client, bucket: *bucket}
	if err := sd.ensureBucket(ctx, *wait); err != nil {
		fail(err)
	}
	n, err := sd.uploadDir(ctx, *dir)
	if err != nil {
		fail(err)
	}
	if *largeKey != "" {
		size, err := sd.uploadLarge(ctx, *largeKey)
		if err != nil {
			fail(err)
		}
		fmt.Printf("seed: %s is %d bytes (over the 1 MB Lambda response limit)\n", *largeKey, size)
	}
	fmt.Printf("seed: bucket %s has %d files from %s\n", *bucket, n, *dir)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "seed:", err)
	os.Exit(1)
}
