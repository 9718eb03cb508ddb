package httptarget_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
)

// clientDeadline bounds every client in these tests: far beyond the 1 s idle timeout, so a
// client that runs into it was held by the proxy.
const clientDeadline = 8 * time.Second

// TestTargetStallsMidBody is TMO-01/TMO-02 after the response started: a target that sends its
// headers and part of the body, then nothing, has the client's response cut once the idle
// timeout passes (a short body is never passed off as whole, and nobody waits forever).
func TestTargetStallsMidBody(t *testing.T) {
	t.Parallel()
	addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
		readRequestHead(br)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
		_, _ = br.ReadByte() // stalls until the proxy gives up on the connection
	})
	srv, _ := front(t, httptarget.New(httptarget.Options{ResponseTimeout: time.Second}), addr)
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(clientDeadline))
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	// The 7 bytes may still sit in the front's buffer when the response is aborted, so the cut
	// can come before the head as well as in the body.
	var body []byte
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err == nil {
		body, err = io.ReadAll(resp.Body)
	}
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("body %q ended with %v: want the proxy to cut the response", body, err)
	}
}

// TestWebSocketIdle: a WebSocket tunnel on which nobody speaks for the idle timeout is closed
// (TMO-01 applies to WebSockets, WS-01), while one on which either side keeps talking stays open
// past it: the timeout is the silence of both directions.
func TestWebSocketIdle(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		targetTalk bool // the target sends a byte every 200 ms
		clientTalk bool // the client sends a byte every 200 ms
	}{
		{desc: "silent tunnel is closed"},
		{desc: "target talking keeps it", targetTalk: true},
		{desc: "client talking keeps it", clientTalk: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
				readRequestHead(br)
				_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
				ended := make(chan struct{})
				go func() { _, _ = io.Copy(io.Discard, br); close(ended) }()
				for tc.targetTalk {
					select {
					case <-ended: // the tunnel is gone: nothing left to keep alive
						return
					case <-time.After(200 * time.Millisecond):
					}
					if _, err := c.Write([]byte("t")); err != nil {
						return
					}
				}
				<-ended
			})
			srv, _ := front(t, httptarget.New(httptarget.Options{ResponseTimeout: time.Second}), addr)
			c, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(clientDeadline))
			_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("upgrade: %v %v", resp, err)
			}
			stop := time.Now().Add(2500 * time.Millisecond) // 2.5 idle timeouts
			_ = c.SetReadDeadline(stop)
			go func() {
				for tc.clientTalk && time.Now().Before(stop) {
					time.Sleep(200 * time.Millisecond)
					_, _ = c.Write([]byte("c"))
				}
			}()
			_, err = io.Copy(io.Discard, br)
			var ne net.Error
			open := errors.As(err, &ne) && ne.Timeout() // still open when the client gave up
			talking := tc.targetTalk || tc.clientTalk
			if open != talking {
				t.Fatalf("tunnel open after 2.5 idle timeouts = %v (ended with %v), want %v", open, err, talking)
			}
		})
	}
}

// stallingBody sends a few bytes and then fails as the listener's body does when the client goes
// quiet: with the 408 *elberr.Error.
type stallingBody struct{ sent bool }

func (b *stallingBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "abc"), nil
	}
	return 0, &elberr.Error{Status: http.StatusRequestTimeout, Source: elberr.SourceClient, Err: errors.New("client idle")}
}

func (*stallingBody) Close() error { return nil }

// TestStalledBodyReachesRouterAs408: the listener's 408 for a client silent mid-body comes back
// from Serve as that 408, not as a target failure (502/504), however the transport wraps it.
func TestStalledBodyReachesRouterAs408(t *testing.T) {
	t.Parallel()
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.ReadAll(r.Body) })
	p := httptarget.New(httptarget.Options{ResponseTimeout: time.Second})
	t.Cleanup(p.Close)
	r, _ := http.NewRequest(http.MethodPost, "http://lb/upload", &stallingBody{})
	r.ContentLength = 100
	r = r.WithContext(observe.WithExchange(r.Context(), &observe.Exchange{}))
	w := httptest.NewRecorder()
	err := p.Serve(w, r, addr)
	var e *elberr.Error
	if !errors.As(err, &e) || e.Status != http.StatusRequestTimeout {
		t.Fatalf("Serve = %v, want the body's 408", err)
	}
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("wrote %d %q before failing", w.Code, w.Body)
	}
}
