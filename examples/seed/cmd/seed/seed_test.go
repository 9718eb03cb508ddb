package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/examples/seed/internal/s3client"
	"github.com/albatross-lb/albatross/examples/seed/internal/s3test"
)

// TestSeedBucket seeds a real versitygw from the committed bucket folder, twice (a second demo run
// finds the bucket already there), and reads the objects back with their metadata.
func TestSeedBucket(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	client, err := s3client.New(ctx, srv.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "bucket")
	sd := &seeder{client: client, bucket: "seed-test"}
	for run := range 2 {
		if err := sd.ensureBucket(ctx, 5*time.Second); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if n, err := sd.uploadDir(ctx, dir); err != nil || n < 2 {
			t.Fatalf("run %d: uploaded %d files: %v", run, n, err)
		}
	}
	if _, err := sd.uploadLarge(ctx, "assets/large.jpg"); err != nil {
		t.Fatal(err)
	}
	testCases := []struct{ key, contentType, file string }{
		{key: "assets/200.jpg", contentType: "image/jpeg", file: "assets/200.jpg"},
		{key: "assets/style.css", contentType: "text/css; charset=utf-8", file: "assets/style.css"},
		{key: "assets/large.jpg", contentType: "image/jpeg"},
	}
	for _, tc := range testCases {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("seed-test"), Key: aws.String(tc.key)})
		if err != nil {
			t.Fatalf("%s: %v", tc.key, err)
		}
		got, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if aws.ToString(out.ContentType) != tc.contentType || aws.ToString(out.CacheControl) != cacheControl {
			t.Errorf("%s: Content-Type %q Cache-Control %q", tc.key, aws.ToString(out.ContentType), aws.ToString(out.CacheControl))
		}
		want, _ := largePoster()
		if tc.file != "" {
			if want, err = os.ReadFile(filepath.Join(dir, tc.file)); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes stored, want %d", tc.key, len(got), len(want))
		}
	}
}
