package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
)

// objectStore is the part of the S3 client the function uses.
type objectStore interface {
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// presigner issues time-limited GET URLs for objects too large to return inline.
type presigner interface {
	PresignGetObject(context.Context, *s3.GetObjectInput, ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var (
	_ objectStore = (*s3.Client)(nil)
	_ presigner   = (*s3.PresignClient)(nil)
)

// server answers asset requests from one bucket.
type server struct {
	store        objectStore
	presign      presigner
	bucket       string
	cacheControl string // for objects stored without Cache-Control
}

// handle is the Lambda handler. Failures are answered with a status and a text body rather than a
// function error, which the ALB would turn into a bare 502 (LAM-3x table).
func (s *server) handle(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	return s.serve(ctx, req).For(req), nil
}

func (s *server) serve(ctx context.Context, req events.ALBTargetGroupRequest) albevent.Response {
	if req.HTTPMethod != http.MethodGet && req.HTTPMethod != http.MethodHead {
		r := plain(http.StatusMethodNotAllowed, "assets are read-only: use GET or HEAD\n")
		r.Header.Set("Allow", "GET, HEAD")
		return r
	}
	key, err := objectKey(req.Path)
	if err != nil {
		return plain(http.StatusNotFound, err.Error()+"\n")
	}
	obj, err := s.open(ctx, req.HTTPMethod, key, albevent.Header(req, "if-none-match"))
	if err != nil {
		return s.failure(ctx, key, err)
	}
	defer obj.body.Close()
	if etagMatches(albevent.Header(req, "if-none-match"), obj.etag) {
		// The store should have answered 304 itself; S3-compatible servers that ignore the
		// condition get the same answer from here.
		return s.notModified(obj.etag, obj.cacheControl, obj.lastModified)
	}
	if obj.size > maxInlineBytes {
		return s.tooLarge(ctx, key, obj.size)
	}
	data, err := io.ReadAll(io.LimitReader(obj.body, maxInlineBytes+1))
	if err != nil {
		return plain(http.StatusBadGateway, "reading "+key+" from the bucket failed: "+err.Error()+"\n")
	}
	if len(data) > maxInlineBytes {
		return s.tooLarge(ctx, key, int64(len(data)))
	}
	r := s.ok(key, obj, data)
	if size := encodedSize(r.For(req)); size > maxResponseJSON {
		return s.tooLarge(ctx, key, int64(len(data)))
	}
	return r
}

// ok is the 200 answer carrying the object. Text is sent as is, anything else base64-encoded.
func (s *server) ok(key string, obj object, data []byte) albevent.Response {
	ct := contentType(key, obj.contentType)
	h := s.validators(obj.etag, obj.cacheControl, obj.lastModified)
	h.Set("Content-Type", ct)
	return albevent.Response{Status: http.StatusOK, Header: h, Body: data, Binary: !sendAsText(ct, data)}
}

// notModified is the 304 answer: no body, and the headers a 200 would carry that let the client
// keep using its copy (RFC 9110 section 15.4.5).
func (s *server) notModified(etag, cacheControl string, lastModified time.Time) albevent.Response {
	return albevent.Response{Status: http.StatusNotModified, Header: s.validators(etag, cacheControl, lastModified)}
}

func (s *server) validators(etag, cacheControl string, lastModified time.Time) http.Header {
	h := http.Header{}
	if etag != "" {
		h["ETag"] = []string{etag} // spelled as S3 spells it; Set would canonicalise it to Etag
	}
	if cacheControl == "" {
		cacheControl = s.cacheControl
	}
	h.Set("Cache-Control", cacheControl)
	if !lastModified.IsZero() {
		h.Set("Last-Modified", lastModified.UTC().Format(http.TimeFormat))
	}
	return h
}

// failure maps an S3 error to an answer: 304 for a matching If-None-Match, 404 for a missing key,
// 502 for anything else — the bucket is this function's upstream.
func (s *server) failure(ctx context.Context, key string, err error) albevent.Response {
	var nm *notModifiedError
	switch {
	case errors.As(err, &nm) && nm.etag == "":
		// Some S3-compatible servers (versitygw among them) send a bare 304; the client still
		// needs the validators, so ask for them.
		if obj, herr := s.open(ctx, http.MethodHead, key, ""); herr == nil {
			return s.notModified(obj.etag, obj.cacheControl, obj.lastModified)
		}
		return s.notModified("", "", time.Time{})
	case errors.As(err, &nm):
		return s.notModified(nm.etag, nm.cacheControl, nm.lastModified)
	case isNotFound(err):
		return plain(http.StatusNotFound, "no asset "+key+"\n")
	}
	return plain(http.StatusBadGateway, "the asset bucket failed: "+err.Error()+"\n")
}

func plain(status int, body string) albevent.Response {
	r := albevent.Text(status, "text/plain; charset=utf-8", body)
	r.Header.Set("Cache-Control", "no-store")
	return r
}
