package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// watchEvents records the client-gone watch's events (Server.testHookWatch).
func watchEvents(s *Server) chan string {
	events := make(chan string, 64)
	s.testHookWatch = func(event string) {
		select {
		case events <- event:
		default:
		}
	}
	return events
}

// nextEvent returns the watch's next event.
func nextEvent(t *testing.T, events chan string) string {
	t.Helper()
	select {
	case event := <-events:
		return event
	case <-time.After(10 * time.Second):
		t.Fatal("the watch reported nothing")
		return ""
	}
}

func expectEvent(t *testing.T, events chan string, want ...string) string {
	t.Helper()
	got := nextEvent(t, events)
	for _, w := range want {
		if got == w {
			return got
		}
	}
	t.Fatalf("watch event %q, want one of %q", got, want)
	return ""
}

// releasedHandler answers /slow once the test sends on release (the test waits for the watch's
// read first), every other path at once; the body is the path, or "canceled" when the request's
// context ended before the answer.
func releasedHandler(release chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		if r.Context().Err() != nil {
			_, _ = io.WriteString(w, "canceled")
			return
		}
		_, _ = io.WriteString(w, r.URL.Path)
	})
}

const (
	slowHead = "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"
	nextHead = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
)

// expectBody reads one response and checks its body.
func expectBody(t *testing.T, br *bufio.Reader, want string) {
	t.Helper()
	if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != want {
		t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, want)
	}
}

// patientHandover makes the loop wait on a handed-over read longer than a loaded machine can
// delay a test's client: the hand-over's outcome is then the test's, not the scheduler's.
func patientHandover(s *Server) { s.testHandoverWait = time.Minute }

// TestWatchedReadHandedToTheNextHead: the watch's read still waiting when the handler returns
// is not interrupted: the next head arrives in it, and the connection serves that request and
// the ones after.
func TestWatchedReadHandedToTheNextHead(t *testing.T) {
	t.Parallel()
	var events chan string
	release := make(chan struct{}, 1)
	addr, _ := serve(t, releasedHandler(release), 10*time.Second, patientHandover, func(s *Server) { events = watchEvents(s) })
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for range 2 {
		_, _ = io.WriteString(c, slowHead)
		expectEvent(t, events, "read")
		release <- struct{}{}
		expectBody(t, br, "/slow")
		expectEvent(t, events, "waiting")
		_, _ = io.WriteString(c, nextHead)
		expectEvent(t, events, "taken: bytes")
		expectBody(t, br, "/next")
	}
}

// TestPipelinedRequestReadByTheWatch: a request that arrives while the previous one is served
// and watched ends the watch's read without cancelling anything, and is answered next.
func TestPipelinedRequestReadByTheWatch(t *testing.T) {
	t.Parallel()
	var events chan string
	release := make(chan struct{}, 1)
	addr, _ := serve(t, releasedHandler(release), 10*time.Second, func(s *Server) { events = watchEvents(s) })
	c := dial(t, addr)
	br := bufio.NewReader(c)
	_, _ = io.WriteString(c, slowHead)
	expectEvent(t, events, "read")
	_, _ = io.WriteString(c, nextHead)
	expectEvent(t, events, "ended")
	release <- struct{}{}
	expectBody(t, br, "/slow")
	expectBody(t, br, "/next")
}

// TestClientLeavesAsTheHandlerFinishes: a client that half-closes right after its watched
// response, or closes as the handler returns, ends the connection: nothing waits on, leaks, or
// cancels a request that was answered.
func TestClientLeavesAsTheHandlerFinishes(t *testing.T) {
	t.Parallel()
	var events chan string
	closed := make(chan struct{}, 8)
	release := make(chan struct{}, 1)
	addr, _ := serve(t, releasedHandler(release), 10*time.Second, patientHandover, func(s *Server) {
		events = watchEvents(s)
		s.ConnState = func(_ net.Conn, state http.ConnState) {
			if state == http.StateClosed {
				closed <- struct{}{}
			}
		}
	})
	awaitClosed := func() {
		t.Helper()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("the connection was not closed")
		}
	}

	t.Run("after the response", func(t *testing.T) {
		c := dial(t, addr)
		br := bufio.NewReader(c)
		_, _ = io.WriteString(c, slowHead)
		expectEvent(t, events, "read")
		release <- struct{}{}
		expectBody(t, br, "/slow")
		expectEvent(t, events, "waiting")
		_ = c.(*net.TCPConn).CloseWrite()
		expectEvent(t, events, "taken: closed")
		if !closedByServer(br) {
			t.Fatal("the server kept a connection its client had closed")
		}
		awaitClosed()
	})
	t.Run("as the handler returns", func(t *testing.T) {
		c := dial(t, addr)
		_, _ = io.WriteString(c, slowHead)
		expectEvent(t, events, "read")
		_ = c.Close()
		release <- struct{}{}
		awaitClosed()
	})
}

// TestHandedOverReadGivesTheBufferBack: a client silent after a watched response is waited for
// through the handed-over read for handoverWait only; then the connection waits without its
// read buffer like any idle one, serves the next request, and the idle timeout (TMO-01) still
// closes it silently.
func TestHandedOverReadGivesTheBufferBack(t *testing.T) {
	t.Parallel()
	var events chan string
	var waits chan bool
	release := make(chan struct{}, 1)
	addr, _ := serve(t, releasedHandler(release), 2*time.Second, func(s *Server) {
		events = watchEvents(s)
		waits = idleWaits(s)
	})
	c := dial(t, addr)
	br := bufio.NewReader(c)
	awaitIdleWait(t, waits) // before the first head
	_, _ = io.WriteString(c, slowHead)
	expectEvent(t, events, "read")
	release <- struct{}{}
	expectBody(t, br, "/slow")
	expectEvent(t, events, "waiting")
	expectEvent(t, events, "taken: timeout")
	awaitIdleWait(t, waits)
	_, _ = io.WriteString(c, nextHead)
	expectBody(t, br, "/next")
	if b, err := io.ReadAll(br); err != nil || len(b) != 0 {
		t.Fatalf("idle connection got %q, %v; want a plain close", b, err)
	}
}

// TestIdleTimeoutDuringHandedOverRead (TMO-01): with an idle timeout shorter than
// handoverWait, the handed-over read ends with it, and the connection closes silently without
// waiting again.
func TestIdleTimeoutDuringHandedOverRead(t *testing.T) {
	t.Parallel()
	var events chan string
	var waits chan bool
	release := make(chan struct{}, 1)
	addr, _ := serve(t, releasedHandler(release), time.Second, patientHandover, func(s *Server) {
		events = watchEvents(s)
		waits = idleWaits(s)
	})
	c := dial(t, addr)
	br := bufio.NewReader(c)
	awaitIdleWait(t, waits)
	_, _ = io.WriteString(c, slowHead)
	expectEvent(t, events, "read")
	release <- struct{}{}
	expectBody(t, br, "/slow")
	expectEvent(t, events, "waiting")
	expectEvent(t, events, "taken: timeout")
	if b, err := io.ReadAll(br); err != nil || len(b) != 0 {
		t.Fatalf("idle connection got %q, %v; want a plain close", b, err)
	}
	select {
	case <-waits:
		t.Fatal("the connection waited again after its idle timeout")
	default:
	}
}

// TestShutdownDuringHandedOverRead: Shutdown closes a connection whose loop waits on a
// handed-over read, as any idle one.
func TestShutdownDuringHandedOverRead(t *testing.T) {
	t.Parallel()
	var events chan string
	release := make(chan struct{}, 1)
	addr, s := serve(t, releasedHandler(release), 10*time.Second, patientHandover, func(s *Server) { events = watchEvents(s) })
	c := dial(t, addr)
	br := bufio.NewReader(c)
	_, _ = io.WriteString(c, slowHead)
	expectEvent(t, events, "read")
	release <- struct{}{}
	expectBody(t, br, "/slow")
	expectEvent(t, events, "waiting")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if !closedByServer(br) {
		t.Fatal("Shutdown left the connection open")
	}
	expectEvent(t, events, "taken: closed")
}
