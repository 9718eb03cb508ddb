package httptarget_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/httptarget"
)

// TestStreamingBothWays proves that bodies are streamed, not buffered, in both directions at
// once: the target answers the first request chunk while the client is still sending, and the
// client reads that answer before it sends the next chunk.
func TestStreamingBothWays(t *testing.T) {
	t.Parallel()
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).EnableFullDuplex()
		br := bufio.NewReader(r.Body)
		w.WriteHeader(http.StatusOK)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			_, _ = io.WriteString(w, "echo "+line)
			_ = http.NewResponseController(w).Flush()
		}
	})
	srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	defer context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/stream", pr)
	go func() { _, _ = io.WriteString(pw, "one\n") }()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("no response while the request is still open: %v", err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for i, chunk := range []string{"one\n", "two\n", "three\n"} {
		if i > 0 {
			if _, err := io.WriteString(pw, chunk); err != nil {
				t.Fatal(err)
			}
		}
		got, err := br.ReadString('\n')
		if err != nil || got != "echo "+chunk {
			t.Fatalf("chunk %d: %q, %v; want %q before the request ends", i, got, err, "echo "+chunk)
		}
	}
	pw.Close()
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Errorf("after the request ended: %q, %v", rest, err)
	}
}

// TestTrailers: trailers pass in both directions, request trailers to the target and response
// trailers announced by the target to the client.
func TestTrailers(t *testing.T) {
	t.Parallel()
	gotTrailer := make(chan string, 1)
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		gotTrailer <- r.Trailer.Get("X-Request-Sum")
		w.Header().Set("Trailer", "X-Checksum")
		_, _ = io.WriteString(w, "payload")
		w.Header().Set("X-Checksum", "abc123")
	})
	srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", io.NopCloser(strings.NewReader("request body")))
	req.ContentLength = -1 // chunked, so trailers can follow
	req.Trailer = http.Header{"X-Request-Sum": {"42"}}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "payload" {
		t.Fatalf("body %q, %v", body, err)
	}
	if got := <-gotTrailer; got != "42" {
		t.Errorf("target saw request trailer X-Request-Sum %q, want 42", got)
	}
	if got := resp.Trailer.Get("X-Checksum"); got != "abc123" {
		t.Errorf("trailer X-Checksum %q, want abc123 (trailers: %v)", got, resp.Trailer)
	}
}

// TestKeepAlivePool: requests from different clients share pooled target connections (TMO-04,
// HOP-01): ten sequential requests from ten client connections use one target connection.
func TestKeepAlivePool(t *testing.T) {
	t.Parallel()
	addr, l := target(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)
	for range 10 {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n := l.accepted.Load(); n != 1 {
		t.Errorf("target accepted %d connections for 10 sequential requests, want 1", n)
	}
}
