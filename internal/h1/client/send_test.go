package client

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSendLargeHead: a request head larger than the connection's write buffer leaves in two
// writes, the second made with the answer's first read (send); the target gets it whole, and
// the answer comes back, on a fresh and on a reused connection.
func TestSendLargeHead(t *testing.T) {
	t.Parallel()
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		for {
			head := readHead(br)
			if len(head) == 0 {
				return
			}
			size := 0
			for _, line := range head {
				size += len(line) + 2
			}
			_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%d", len(fmt.Sprint(size)), size)
		}
	})
	srv := front(t, New(Options{}), addr)
	for i, n := range []int{100, 10 << 10, 20 << 10, 100} {
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Big", strings.Repeat("b", n))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("request %d (%d-byte field): %d %q", i, n, resp.StatusCode, body)
		}
		var got int
		if _, err := fmt.Sscan(string(body), &got); err != nil || got < n {
			t.Fatalf("request %d: the target got a %s-byte head; want the %d-byte field in it", i, body, n)
		}
	}
	if c := accepted.Load(); c != 1 {
		t.Errorf("target accepted %d connections for 4 requests; want 1, reused", c)
	}
}

// TestSendToHalfClosedTarget: a target that ends its side of a pooled connection (a FIN) but
// keeps reading sends nothing more, not even a reset, when the next request arrives. That
// request must still find the connection closed and go out again on a new one, not wait for
// an answer until the idle timeout: a connection pooled longer than sendWaitPooled is not
// sent to with the answer's read in the same wait (send).
func TestSendToHalfClosedTarget(t *testing.T) {
	t.Parallel()
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		if len(readHead(br)) == 0 {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		if n == 1 {
			_ = c.(*net.TCPConn).CloseWrite()
			_, _ = io.Copy(io.Discard, br) // reads on, silently, until the client closes
		}
	})
	cl := New(Options{IdleTimeout: 3 * time.Second})
	srv := front(t, cl, addr)
	if status, body := get(t, srv.URL); status != 200 || body != "ok" {
		t.Fatalf("first request: %d %q", status, body)
	}
	time.Sleep(2 * sendWaitPooled)
	start := time.Now()
	if status, body := get(t, srv.URL); status != 200 || body != "ok" {
		t.Fatalf("second request, after %v: %d %q; want 200 ok on a new connection", time.Since(start), status, body)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second request took %v; want it sent again at once, not after waiting on the closed connection", d)
	}
	if n := accepted.Load(); n != 2 {
		t.Errorf("target accepted %d connections; want 2", n)
	}
}
