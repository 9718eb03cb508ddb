package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// idleWaits records, for each wait for a head without a buffer, whether the buffer was really
// given back.
func idleWaits(s *Server) chan bool {
	waits := make(chan bool, 64)
	s.testHookIdleWait = func(b *readBuffer) {
		select {
		case waits <- b.buf == nil && b.r == 0 && b.w == 0:
		default:
		}
	}
	return waits
}

func awaitIdleWait(t *testing.T, waits chan bool) {
	t.Helper()
	select {
	case empty := <-waits:
		if !empty {
			t.Fatal("an idle connection still held its read buffer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the connection never waited without a read buffer")
	}
}

// TestIdleConnectionHoldsNoReadBuffer (issue 14): a plain TCP connection waits for its first
// head and for every next one without a read buffer, and a head split across packets and
// pipelined requests still arrive whole.
func TestIdleConnectionHoldsNoReadBuffer(t *testing.T) {
	t.Parallel()
	var waits chan bool
	active := make(chan struct{}, 64)
	addr, _ := serve(t, echo, 10*time.Second, func(s *Server) {
		waits = idleWaits(s)
		s.ConnState = func(_ net.Conn, state http.ConnState) {
			if state == http.StateActive {
				active <- struct{}{}
			}
		}
	})
	c := dial(t, addr)
	br := bufio.NewReader(c)
	awaitIdleWait(t, waits) // before the first byte

	// The head's first packet ends the wait; the rest is read into the buffer it took.
	_, _ = io.WriteString(c, "POST /split HTTP/1.1\r\nHo")
	<-active
	_, _ = io.WriteString(c, "st: a\r\nContent-Length: 3\r\n\r\nabc")
	if resp, body := readResponse(t, br, "POST"); resp.StatusCode != 200 || body != `POST /split a "abc"` {
		t.Fatalf("split head: %d %q", resp.StatusCode, body)
	}
	awaitIdleWait(t, waits)

	_, _ = io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
	for _, want := range []string{`GET /1 a ""`, `GET /2 a ""`} {
		if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != want {
			t.Fatalf("pipelined: %d %q, want %q", resp.StatusCode, body, want)
		}
	}
	awaitIdleWait(t, waits)
}

// TestIdleTimeoutWithoutBuffer (TMO-01): the idle timeout still ends a connection that waits
// without a buffer as before: silently after a response, 408 for a head begun after one.
func TestIdleTimeoutWithoutBuffer(t *testing.T) {
	t.Parallel()
	var waits chan bool
	addr, _ := serve(t, echo, 300*time.Millisecond, func(s *Server) { waits = idleWaits(s) })

	quiet := dial(t, addr)
	br := bufio.NewReader(quiet)
	_, _ = io.WriteString(quiet, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	readResponse(t, br, "GET")
	awaitIdleWait(t, waits)
	if b, err := io.ReadAll(br); err != nil || len(b) != 0 {
		t.Fatalf("idle connection got %q, %v; want a plain close", b, err)
	}

	stalled := dial(t, addr)
	br = bufio.NewReader(stalled)
	_, _ = io.WriteString(stalled, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	readResponse(t, br, "GET")
	awaitIdleWait(t, waits)
	_, _ = io.WriteString(stalled, "GET / HTTP/1.1\r\nHost")
	if resp, _ := readResponse(t, br, "GET"); resp.StatusCode != 408 || !resp.Close {
		t.Fatalf("got %d, want 408 and a close", resp.StatusCode)
	}
}

// TestConnWithoutSocketKeepsItsBuffer: a connection the poller cannot wait on (a pipe here, TLS
// in production) keeps its buffer and is served as before.
func TestConnWithoutSocketKeepsItsBuffer(t *testing.T) {
	t.Parallel()
	s := &Server{Handler: echo, IdleTimeout: 10 * time.Second}
	waits := idleWaits(s)
	client, server := net.Pipe()
	var wg sync.WaitGroup
	wg.Go(func() { s.ServeConn(server, server) })
	defer wg.Wait()
	defer client.Close()
	_ = client.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(client)
	for _, path := range []string{"/1", "/2"} {
		_, _ = io.WriteString(client, "GET "+path+" HTTP/1.1\r\nHost: a\r\n\r\n")
		if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != "GET "+path+` a ""` {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	select {
	case <-waits:
		t.Fatal("a pipe connection waited without a buffer")
	default:
	}
}
