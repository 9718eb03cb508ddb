package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
)

func TestServeMatchesRespond(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(serve))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/http/hello?x=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := hello.Respond("GET", "/http/hello")
	if resp.StatusCode != want.Status || string(body) != want.Body {
		t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, want.Status, want.Body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, hello.ContentType) {
		t.Fatalf("content type %q, want %q", ct, hello.ContentType)
	}
}
