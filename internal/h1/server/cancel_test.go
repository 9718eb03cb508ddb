package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// closer records its Close.
type closer chan struct{}

func (c closer) Close() error { close(c); return nil }

// TestCancelHookClosesOnClientGone: a connection handed to the request's cancel hook
// (wire.CancelHook, what the HTTP/1.1 target client does instead of context.AfterFunc) is
// closed when the client goes away, with the request's context canceled, and Release then says
// so; the hook's Done is the request context's.
func TestCancelHookClosesOnClientGone(t *testing.T) {
	t.Parallel()
	started, result := make(chan struct{}), make(chan string, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hook := wire.ReceivedFrom(r.Context()).Cancel
		if hook == nil || hook.Done() != r.Context().Done() {
			result <- "no hook with the request's Done channel"
			return
		}
		target := make(closer)
		if !hook.CloseOnCancel(target) {
			result <- "the hook refused a connection"
			return
		}
		close(started)
		select {
		case <-target:
		case <-time.After(15 * time.Second):
			result <- "connection not closed when the client left"
			return
		}
		if r.Context().Err() != context.Canceled {
			result <- "connection closed, context not canceled"
			return
		}
		if hook.Release(target) {
			result <- "Release reported a connection the cancellation closed as not closed"
			return
		}
		result <- ""
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	_ = c.Close()
	if msg := <-result; msg != "" {
		t.Fatal(msg)
	}
}

// TestCancelHookReleaseKeepsTheConnection: a connection taken back before the request ends is
// not closed by the request's end, on this request or the next on the connection, and the hook
// holds one connection at a time.
func TestCancelHookReleaseKeepsTheConnection(t *testing.T) {
	t.Parallel()
	target := make(closer)
	result := make(chan string, 2)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hook := wire.ReceivedFrom(r.Context()).Cancel
		switch {
		case !hook.CloseOnCancel(target):
			result <- "the hook refused a connection"
		case hook.CloseOnCancel(make(closer)):
			result <- "the hook took a second connection"
		case !hook.Release(target):
			result <- "Release of a connection nobody closed reported it closed"
		default:
			result <- ""
		}
	}), 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for range 2 {
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if msg := <-result; msg != "" {
			t.Fatal(msg)
		}
	}
	select {
	case <-target:
		t.Fatal("a released connection was closed")
	default:
	}
}

// TestCancelHookOrders: a connection handed over before the request is canceled, after it, or
// while it is being canceled is closed all the same, and Release then reports it closed.
// (cancelRequest cancels under the hook's lock, so that no order leaves one open.)
func TestCancelHookOrders(t *testing.T) {
	t.Parallel()
	for _, order := range []string{"before", "after", "racing"} {
		for range 100 {
			var rc requestCancel
			ctx, cancel := context.WithCancel(context.Background())
			rc.begin(ctx, cancel)
			target := make(closer)
			canceled := make(chan struct{})
			cancelNow := func() {
				rc.cancelRequest()
				close(canceled)
			}
			switch order {
			case "after":
				cancelNow()
			case "racing":
				go cancelNow()
			}
			if !rc.CloseOnCancel(target) {
				t.Fatalf("%s: the hook refused a connection", order)
			}
			if order == "before" {
				cancelNow()
			}
			<-canceled
			select {
			case <-target:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: a connection handed over was not closed by the cancellation", order)
			}
			if rc.Release(target) {
				t.Fatalf("%s: Release reported a connection the cancellation closed as not closed", order)
			}
		}
	}
}
