package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// object is an opened S3 object: its metadata and, for GET, its streaming body.
type object struct {
	body         io.ReadCloser
	size         int64
	etag         string
	contentType  string
	cacheControl string
	lastModified time.Time
}

// notModifiedError is S3's 304 answer to a matching If-None-Match, with the validators it sent.
type notModifiedError struct {
	etag, cacheControl string
	lastModified       time.Time
}

func (e *notModifiedError) Error() string { return "not modified (ETag " + e.etag + ")" }

// open fetches the object (HEAD: its metadata only), passing If-None-Match on to S3 so that an
// unchanged object is not downloaded at all.
func (s *server) open(ctx context.Context, method, key, ifNoneMatch string) (object, error) {
	var cond *string
	if ifNoneMatch != "" {
		cond = aws.String(ifNoneMatch)
	}
	if method == http.MethodHead {
		out, err := s.store.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key, IfNoneMatch: cond})
		if err != nil {
			return object{}, classify(err)
		}
		return object{body: http.NoBody, size: aws.ToInt64(out.ContentLength), etag: aws.ToString(out.ETag),
			contentType: aws.ToString(out.ContentType), cacheControl: aws.ToString(out.CacheControl),
			lastModified: aws.ToTime(out.LastModified)}, nil
	}
	out, err := s.store.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key, IfNoneMatch: cond})
	if err != nil {
		return object{}, classify(err)
	}
	return object{body: out.Body, size: aws.ToInt64(out.ContentLength), etag: aws.ToString(out.ETag),
		contentType: aws.ToString(out.ContentType), cacheControl: aws.ToString(out.CacheControl),
		lastModified: aws.ToTime(out.LastModified)}, nil
}

// classify turns S3's 304 (which the SDK reports as an error) into a *notModifiedError carrying
// the response's validators, and keeps every other error as is.
func classify(err error) error {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotModified {
		return err
	}
	nm := &notModifiedError{}
	if re.Response != nil && re.Response.Response != nil {
		h := re.Response.Header
		nm.etag, nm.cacheControl = h.Get("ETag"), h.Get("Cache-Control")
		nm.lastModified, _ = http.ParseTime(h.Get("Last-Modified"))
	}
	return nm
}

// isNotFound reports whether S3 said the key does not exist (GET: NoSuchKey; HEAD has no body,
// so only its 404 status tells).
func isNotFound(err error) bool {
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	var re *smithyhttp.ResponseError
	return errors.As(err, &noKey) || errors.As(err, &notFound) ||
		(errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound)
}

// objectKey maps the request path to the object key: the path without its leading slash,
// percent-decoded, since the ALB passes the path as received (LAM-16 area: path decoding
// undocumented; the seed decodes so that /assets/a%20b.css finds key "assets/a b.css").
func objectKey(path string) (string, error) {
	key, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	switch {
	case err != nil:
		return "", fmt.Errorf("no asset %s: the path is not valid percent-encoding", path)
	case key == "" || strings.HasSuffix(key, "/"):
		return "", fmt.Errorf("no asset %s: name a file, not a folder", path)
	case strings.Contains("/"+key+"/", "/../") || strings.Contains("/"+key+"/", "/./"):
		return "", fmt.Errorf("no asset %s: dot segments are not asset names", path)
	}
	return key, nil
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 section 13.1.2): "*" matches any
// current object, and W/ prefixes are ignored on both sides.
func etagMatches(header, etag string) bool {
	if header == "" || etag == "" {
		return false
	}
	opaque := strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == opaque {
			return true
		}
	}
	return false
}
