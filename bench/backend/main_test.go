package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAnswer checks the fixed answer the benchmark's readiness probe (bench/run.sh's await)
// looks for, with a Content-Length that matches the body, so keep-alive is never broken.
func TestAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(answer))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/bench/hello")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || string(got) != body || resp.ContentLength != int64(len(body)) {
		t.Errorf("got %d, %d bytes declared, body %q", resp.StatusCode, resp.ContentLength, got)
	}
	if resp.Close {
		t.Error("the backend must keep connections alive")
	}
}
