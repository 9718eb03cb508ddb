package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// cacheControl is stored with every object; the assets function passes it on.
const cacheControl = "public, max-age=300"

// bucketAPI is the part of the S3 client the seeder uses.
type bucketAPI interface {
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ bucketAPI = (*s3.Client)(nil)

// seeder fills one bucket.
type seeder struct {
	client bucketAPI
	bucket string
}

// ensureBucket creates the bucket, retrying until the server answers or wait has passed: the
// demo starts the S3 server just before seeding. A bucket that already exists is fine.
func (s *seeder) ensureBucket(ctx context.Context, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.bucket})
		var owned *types.BucketAlreadyOwnedByYou
		var exists *types.BucketAlreadyExists
		if err == nil || errors.As(err, &owned) || errors.As(err, &exists) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("create bucket %s: %w", s.bucket, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create bucket %s: %w", s.bucket, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// uploadDir uploads every regular file under dir and returns how many.
func (s *seeder) uploadDir(ctx context.Context, dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		return s.put(ctx, filepath.ToSlash(rel), body)
	})
	if err != nil {
		return n, fmt.Errorf("upload %s: %w", dir, err)
	}
	return n, nil
}

// uploadLarge uploads the generated poster and returns its size.
func (s *seeder) uploadLarge(ctx context.Context, key string) (int, error) {
	body, err := largePoster()
	if err != nil {
		return 0, err
	}
	return len(body), s.put(ctx, key, body)
}

func (s *seeder) put(ctx context.Context, key string, body []byte) error {
	ct := mime.TypeByExtension(path.Ext(key))
	if ct == "" {
		ct = "application/octet-stream"
	}
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:       &s.bucket,
		Key:          &key,
		Body:         bytes.NewReader(body),
		ContentType:  aws.String(ct),
		CacheControl: aws.String(cacheControl),
	})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}
