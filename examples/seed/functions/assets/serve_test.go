package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/albatross-lb/albatross/examples/seed/internal/s3client"
	"github.com/albatross-lb/albatross/examples/seed/internal/s3test"
)

const testBucket = "assets-test"

// fixture is a seeded bucket on a real versitygw and a server reading it.
type fixture struct {
	srv   *server
	files map[string][]byte
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s3srv := s3test.Start(t)
	client, err := s3client.New(ctx, s3srv.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{
		srv:   &server{store: client, presign: s3.NewPresignClient(client), bucket: testBucket, cacheControl: defaultCacheControl},
		files: map[string][]byte{},
	}
	put := func(key, contentType, cacheControl string, body []byte) {
		in := &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key), Body: bytes.NewReader(body)}
		if contentType != "" {
			in.ContentType = aws.String(contentType)
		}
		if cacheControl != "" {
			in.CacheControl = aws.String(cacheControl)
		}
		if _, err := client.PutObject(ctx, in); err != nil {
			t.Fatal(err)
		}
		f.files[key] = body
	}
	put("assets/style.css", "text/css; charset=utf-8", "public, max-age=60", []byte("body { color: #123; }\n"))
	put("assets/200.jpg", "image/jpeg", "", randomBytes(t, 3000))
	put("assets/untyped.svg", "", "", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"))
	// Binary objects up to the limit raw, but over it once base64-encoded into the JSON.
	put("assets/big-base64.bin", "application/octet-stream", "", randomBytes(t, 800_000))
	put("assets/large.jpg", "image/jpeg", "", randomBytes(t, 1_200_000))
	return f
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// get invokes the handler with an ALB event for method and path, and the given headers.
func (f *fixture) get(t *testing.T, method, path string, headers map[string]string) events.ALBTargetGroupResponse {
	t.Helper()
	if headers == nil {
		headers = map[string]string{}
	}
	req := events.ALBTargetGroupRequest{HTTPMethod: method, Path: path, Headers: headers, QueryStringParameters: map[string]string{}}
	resp, err := f.srv.handle(context.Background(), req)
	if err != nil {
		t.Fatalf("handle returned an error, which the ALB turns into a bare 502: %v", err)
	}
	raw, _ := json.Marshal(resp)
	if bytes.Contains(raw, []byte(":null")) {
		t.Fatalf("response has a null field, which the ALB rejects with 502 (LAM-22): %s", raw)
	}
	if len(raw) > maxResponseJSON {
		t.Fatalf("response JSON is %d bytes, over the ALB's limit (LAM-27)", len(raw))
	}
	return resp
}

func body(t *testing.T, r events.ALBTargetGroupResponse) []byte {
	t.Helper()
	if !r.IsBase64Encoded {
		return []byte(r.Body)
	}
	b, err := base64.StdEncoding.DecodeString(r.Body)
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	return b
}

// TestAssetsFromS3 runs the function against a real S3-compatible server (LAM-12, LAM-20, LAM-22,
// LAM-27 from the function's side).
func TestAssetsFromS3(t *testing.T) {
	f := newFixture(t)

	t.Run("text asset is sent as is with its stored headers", func(t *testing.T) {
		r := f.get(t, http.MethodGet, "/assets/style.css", nil)
		if r.StatusCode != 200 || r.IsBase64Encoded || !bytes.Equal(body(t, r), f.files["assets/style.css"]) {
			t.Fatalf("got %d base64=%v body %q", r.StatusCode, r.IsBase64Encoded, r.Body)
		}
		want := map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=60"}
		for k, v := range want {
			if r.Headers[k] != v || r.MultiValueHeaders[k][0] != v {
				t.Errorf("%s = %q / %q, want %q", k, r.Headers[k], r.MultiValueHeaders[k], v)
			}
		}
		if !strings.HasPrefix(r.Headers["ETag"], `"`) || r.Headers["Last-Modified"] == "" {
			t.Errorf("validators missing: ETag %q Last-Modified %q", r.Headers["ETag"], r.Headers["Last-Modified"])
		}
	})
	t.Run("binary asset is base64-encoded with the default cache policy", func(t *testing.T) {
		r := f.get(t, http.MethodGet, "/assets/200.jpg", nil)
		if r.StatusCode != 200 || !r.IsBase64Encoded || !bytes.Equal(body(t, r), f.files["assets/200.jpg"]) {
			t.Fatalf("got %d base64=%v, %d bytes", r.StatusCode, r.IsBase64Encoded, len(body(t, r)))
		}
		if r.Headers["Content-Type"] != "image/jpeg" || r.Headers["Cache-Control"] != defaultCacheControl {
			t.Errorf("headers %v", r.Headers)
		}
	})
	t.Run("object stored without a type gets one from its extension", func(t *testing.T) {
		r := f.get(t, http.MethodGet, "/assets/untyped.svg", nil)
		if r.Headers["Content-Type"] != "image/svg+xml" || r.IsBase64Encoded {
			t.Errorf("Content-Type %q base64=%v", r.Headers["Content-Type"], r.IsBase64Encoded)
		}
	})
	etag := f.get(t, http.MethodGet, "/assets/style.css", nil).Headers["ETag"]
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		t.Run("If-None-Match "+inm+" answers 304", func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				r := f.get(t, method, "/assets/style.css", map[string]string{"if-none-match": inm})
				if r.StatusCode != 304 || r.Body != "" || r.Headers["ETag"] != etag || r.Headers["Cache-Control"] == "" {
					t.Errorf("%s: got %d %v body %q", method, r.StatusCode, r.Headers, r.Body)
				}
			}
		})
	}
	t.Run("If-None-Match with another tag answers 200", func(t *testing.T) {
		if r := f.get(t, http.MethodGet, "/assets/style.css", map[string]string{"if-none-match": `"nope"`}); r.StatusCode != 200 {
			t.Errorf("got %d", r.StatusCode)
		}
	})
	t.Run("HEAD has the headers and no body", func(t *testing.T) {
		r := f.get(t, http.MethodHead, "/assets/200.jpg", nil)
		if r.StatusCode != 200 || r.Body != "" || r.Headers["ETag"] == "" || r.Headers["Content-Type"] != "image/jpeg" {
			t.Errorf("got %d %v body %d bytes", r.StatusCode, r.Headers, len(r.Body))
		}
	})
	t.Run("missing key is 404 for GET and HEAD", func(t *testing.T) {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			if r := f.get(t, method, "/assets/nope.css", nil); r.StatusCode != 404 {
				t.Errorf("%s: got %d", method, r.StatusCode)
			}
		}
	})
	t.Run("writes are refused with Allow", func(t *testing.T) {
		r := f.get(t, http.MethodPut, "/assets/style.css", nil)
		if r.StatusCode != 405 || r.Headers["Allow"] != "GET, HEAD" {
			t.Errorf("got %d Allow %q", r.StatusCode, r.Headers["Allow"])
		}
	})
	for _, key := range []string{"assets/large.jpg", "assets/big-base64.bin"} {
		t.Run(key+" over the response limit redirects to a presigned URL that works", func(t *testing.T) {
			r := f.get(t, http.MethodGet, "/"+key, nil)
			loc := r.Headers["Location"]
			if r.StatusCode != 307 || !strings.Contains(loc, "X-Amz-Signature=") || !strings.Contains(r.Body, "1 MB") {
				t.Fatalf("got %d Location %q body %q", r.StatusCode, loc, r.Body)
			}
			resp, err := http.Get(loc)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !bytes.Equal(got, f.files[key]) {
				t.Errorf("presigned GET: %d, %d bytes, want the object's %d", resp.StatusCode, len(got), len(f.files[key]))
			}
		})
	}
	t.Run("multi-value header mode reads multiValueHeaders", func(t *testing.T) {
		req := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/assets/style.css",
			MultiValueHeaders:               map[string][]string{"if-none-match": {etag}},
			MultiValueQueryStringParameters: map[string][]string{}}
		r, _ := f.srv.handle(context.Background(), req)
		if r.StatusCode != 304 || strings.Join(r.MultiValueHeaders["ETag"], ",") != etag {
			t.Errorf("got %d %v", r.StatusCode, r.MultiValueHeaders)
		}
	})
}
