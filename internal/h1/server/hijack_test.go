package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestUpgradeKeepsEarlyBytes: a handler that hijacks (a WebSocket upgrade) reads through the
// returned connection what the client sent right behind the head, before the 101 went out.
func TestUpgradeKeepsEarlyBytes(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		go func() {
			defer close(done)
			defer conn.Close()
			_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			_ = brw.Flush()
			_, _ = io.Copy(conn, io.LimitReader(conn, 9)) // echo the first 9 bytes
		}()
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nearly")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("got %v, %v; want 101", resp, err)
	}
	_, _ = io.WriteString(c, "late")
	got := make([]byte, 9)
	if _, err := io.ReadFull(br, got); err != nil || string(got) != "earlylate" {
		t.Fatalf("echo %q, %v; want earlylate", got, err)
	}
	<-done
}

// TestClientGoneCancelsRequest: a client that closes its connection while the handler waits
// cancels the request's context, as net/http's server does (the router's 460).
func TestClientGoneCancelsRequest(t *testing.T) {
	t.Parallel()
	started, canceled := make(chan struct{}), make(chan error, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			canceled <- r.Context().Err()
		case <-time.After(15 * time.Second):
			canceled <- nil
		}
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	_ = c.Close()
	if err := <-canceled; err != context.Canceled {
		t.Fatalf("request context %v, want canceled when the client left", err)
	}
}

// TestPipelinedBehindSlowHandler: a request sent while the previous one is still being served
// (and watched for the client going away) is answered after it, not lost to the watch.
func TestPipelinedBehindSlowHandler(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		_, _ = io.WriteString(w, r.URL.Path)
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	time.Sleep(20 * time.Millisecond) // let the watch start: the next request arrives under it
	_, _ = io.WriteString(c, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
	close(release)
	br := bufio.NewReader(c)
	for _, want := range []string{"/slow", "/next"} {
		if _, body := readResponse(t, br, "GET"); body != want {
			t.Fatalf("got %q, want %q", body, want)
		}
	}
}

// TestShutdown: idle connections are closed at once, a busy one finishes its response (with
// Connection: close) before Shutdown returns.
func TestShutdown(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	addr, s := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			close(started)
			<-release
		}
		_, _ = io.WriteString(w, "done")
	}), 10*time.Second)
	idle := dial(t, addr)
	_, _ = io.WriteString(idle, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	idleBr := bufio.NewReader(idle)
	readResponse(t, idleBr, "GET")
	busy := dial(t, addr)
	_, _ = io.WriteString(busy, "GET /busy HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	if !closedByServer(idleBr) {
		t.Fatal("idle connection not closed by Shutdown")
	}
	close(release)
	resp, body := readResponse(t, bufio.NewReader(busy), "GET")
	if body != "done" || !resp.Close {
		t.Fatalf("busy request got %q close=%v", body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
}

// TestWatchOutlivesTheHeadDeadline: a request without a body keeps the head's read deadline
// while it is served (serveRequest); a handler running past it is still watched (the client
// leaving cancels it), and the connection serves the next request afterwards.
func TestWatchOutlivesTheHeadDeadline(t *testing.T) {
	t.Parallel()
	const idle = 200 * time.Millisecond
	started, canceled := make(chan struct{}, 2), make(chan error, 2)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/wait":
			started <- struct{}{}
			select {
			case <-r.Context().Done():
				canceled <- r.Context().Err()
			case <-time.After(15 * time.Second):
				canceled <- nil
			}
		case "/slow":
			time.Sleep(3 * idle)
		}
		_, _ = io.WriteString(w, r.URL.Path)
	}), idle)

	t.Run("the client leaving is still seen", func(t *testing.T) {
		c := dial(t, addr)
		_, _ = io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
		<-started
		time.Sleep(3 * idle) // the head's deadline passes while the watch reads
		_ = c.Close()
		if err := <-canceled; err != context.Canceled {
			t.Fatalf("request context %v, want canceled when the client left", err)
		}
	})
	t.Run("the connection serves on", func(t *testing.T) {
		c := dial(t, addr)
		br := bufio.NewReader(c)
		for _, path := range []string{"/slow", "/fast"} {
			_, _ = io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: a\r\n\r\n")
			if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != path {
				t.Fatalf("%s: %d %q, want 200 and the path", path, resp.StatusCode, body)
			}
		}
	})
}
