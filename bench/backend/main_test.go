package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestLargeBodyKeepsConnection: a 1 MiB request body (run.sh --request-body) is read to its end,
// so the answer keeps the connection alive; net/http would close it after an unread body over
// 256 KiB, and the proxies would pay for new connections instead of relaying bodies.
func TestLargeBodyKeepsConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(answer))
	defer srv.Close()
	for range 2 {
		resp, err := http.Post(srv.URL+"/bench/hello", "application/octet-stream", strings.NewReader(strings.Repeat("a", 1<<20)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || string(got) != body || resp.Close {
			t.Fatalf("got %d, close %t, body %q, %v", resp.StatusCode, resp.Close, got, err)
		}
	}
}
