package s3upload

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeS3 accepts PutObject requests and records them.
type fakeS3 struct {
	mu     sync.Mutex
	method string
	path   string
	body   []byte
	auth   string
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.method, f.path, f.body, f.auth = r.Method, r.URL.Path, b, r.Header.Get("Authorization")
	f.mu.Unlock()
	w.Header().Set("ETag", `"0"`)
}

// TestUploadPathStyle: with an endpoint (here from ALBATROSS_S3_ENDPOINT) the object is PUT
// path-style as bucket/key, signed, with the gzip bytes as its content.
func TestUploadPathStyle(t *testing.T) {
	fake := &fakeS3{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv(EndpointEnv, srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	u, err := New(context.Background(), "us-east-1", "")
	if err != nil {
		t.Fatal(err)
	}
	gz := []byte("\x1f\x8b fake gzip bytes")
	key := "p/AWSLogs/000000000000/elasticloadbalancing/us-east-1/2025/01/02/x.log.gz"
	if err := u.Upload(context.Background(), "logs", key, gz); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.method != http.MethodPut || fake.path != "/logs/"+key || !bytes.Contains(fake.body, gz) || fake.auth == "" {
		t.Errorf("%s %s auth %q body %q", fake.method, fake.path, fake.auth, fake.body)
	}
}
