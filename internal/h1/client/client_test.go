package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rawTarget starts a TCP target on 127.0.0.1 that serves each connection with serve and counts
// connections.
func rawTarget(t *testing.T, serve func(n int32, c net.Conn, br *bufio.Reader)) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n := accepted.Add(1)
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				serve(n, c, bufio.NewReader(c))
			}()
		}
	}()
	return l.Addr().String(), &accepted
}

// readHead returns one request head's lines (request line first).
func readHead(br *bufio.Reader) []string {
	var lines []string
	for {
		line, err := br.ReadString('\n')
		if err != nil || line == "\r\n" {
			return lines
		}
		lines = append(lines, strings.TrimRight(line, "\r\n"))
	}
}

// front serves every request through c to addr, writing 502 for a failure before the response.
func front(t *testing.T, c *Client, addr string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := c.Forward(w, r, addr, false); err != nil {
			if errors.Is(err, ErrAborted) {
				panic(http.ErrAbortHandler)
			}
			http.Error(w, err.Error(), http.StatusBadGateway)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(c.CloseIdle)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestRetryOnConnectionClosedWhilePooled: a target that closes a keep-alive connection after
// answering leaves a dead connection in the pool; the next GET finds it dead before a byte of
// answer and is sent again on a new connection, so the client never sees the stale socket.
func TestRetryOnConnectionClosedWhilePooled(t *testing.T) {
	t.Parallel()
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		// Keep-alive promised, then the connection is closed anyway (a target's idle timer).
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	srv := front(t, New(Options{}), addr)
	for i := range 3 {
		if status, body := get(t, srv.URL); status != 200 || body != "ok" {
			t.Fatalf("request %d: %d %q", i, status, body)
		}
	}
	if n := accepted.Load(); n < 3 {
		t.Errorf("target accepted %d connections for 3 requests on a target that closes each", n)
	}
}

// TestNoRetryOfPost: a POST whose connection dies with no answer is not sent again (it may
// have been processed), and the client sees the failure.
func TestNoRetryOfPost(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		head := readHead(br)
		if len(head) > 0 && strings.HasPrefix(head[0], "POST") {
			posts.Add(1)
			_, _ = io.CopyN(io.Discard, br, 4)
			return // processed, then the connection dies without an answer
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	srv := front(t, New(Options{}), addr)
	resp, err := http.Post(srv.URL, "text/plain", strings.NewReader("data"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || posts.Load() != 1 {
		t.Errorf("status %d after %d POSTs reached the target, want 502 after 1", resp.StatusCode, posts.Load())
	}
}

// TestOriginalNames: with WithOriginalNames, fields reach the target in the client's case and
// order; fields added later follow in canonical form; hop-by-hop ones stay out.
func TestOriginalNames(t *testing.T) {
	t.Parallel()
	heads := make(chan []string, 1)
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		heads <- readHead(br)
		_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
	})
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	r := httptest.NewRequest(http.MethodGet, "http://lb/p?q=1", nil)
	r.Header = http.Header{"X-Lower": {"1"}, "X-Mixed-Case": {"2"}, "Keep-Alive": {"5"}, "X-Added": {"3"}, "Accept": {"*/*"}}
	r = r.WithContext(WithOriginalNames(r.Context(), []string{"x-mixed-CASE", "keep-alive", "x-lower", "ACCEPT"}))
	w := httptest.NewRecorder()
	if err := c.Forward(w, r, addr, false); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(<-heads, "|")
	want := "GET /p?q=1 HTTP/1.1|Host: lb|x-mixed-CASE: 2|x-lower: 1|ACCEPT: */*|X-Added: 3"
	if got != want {
		t.Errorf("target saw\n%s\nwant\n%s", got, want)
	}
	if w.Code != http.StatusNoContent {
		t.Errorf("status %d", w.Code)
	}
}

// TestOriginalNamesMany: past the few dozen names a list handles, the written set is a map (a
// head of thousands of names must not cost a quadratic search); the result is the same: each
// field once per value, under its first spelling, in order, repeats joined to the first.
func TestOriginalNamesMany(t *testing.T) {
	t.Parallel()
	heads := make(chan []string, 1)
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		heads <- readHead(br)
		_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
	})
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	r := httptest.NewRequest(http.MethodGet, "http://lb/", nil)
	var names []string
	want := []string{"GET / HTTP/1.1", "Host: lb"}
	for i := range 2 * doneListMax {
		name := fmt.Sprintf("x-n%d", i)
		names = append(names, name)
		r.Header.Add(name, "1")
		want = append(want, name+": 1")
		if i == 0 {
			r.Header.Add(name, "2")
			names = append(names, strings.ToUpper(name))
			want = append(want, name+": 2")
		}
	}
	r.Header.Set("X-Added", "3")
	want = append(want, "X-Added: 3")
	r = r.WithContext(WithOriginalNames(r.Context(), names))
	if err := c.Forward(httptest.NewRecorder(), r, addr, false); err != nil {
		t.Fatal(err)
	}
	if got := <-heads; !slices.Equal(got, want) {
		t.Errorf("target saw\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInformationalRelayed: a 103 Early Hints reaches the client with its Link field, and the
// final response does not carry that field.
func TestInformationalRelayed(t *testing.T) {
	t.Parallel()
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		_, _ = io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"+
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	srv := front(t, New(Options{}), addr)
	var hints []string
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, h.Get("Link"))
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(hints) != 1 || hints[0] != "</s.css>; rel=preload" || resp.Header.Get("Link") != "" || resp.StatusCode != 200 {
		t.Errorf("hints %q, final %d with Link %q", hints, resp.StatusCode, resp.Header.Get("Link"))
	}
}

// TestEarlyAnswerDropsConnection: a target that answers before reading the request body leaves
// the rest of the body on the connection, which is therefore never reused: the next request
// goes out on a new connection and is read as its own request.
func TestEarlyAnswerDropsConnection(t *testing.T) {
	t.Parallel()
	firstLines := make(chan string, 4)
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		for {
			head := readHead(br)
			if len(head) == 0 {
				return
			}
			firstLines <- head[0]
			if strings.HasPrefix(head[0], "POST") {
				_, _ = io.WriteString(c, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n")
				continue // the body is left unread, as a server refusing it would
			}
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	srv := front(t, New(Options{}), addr)
	// More than every socket buffer on the way can hold, so that the body is still on its way
	// when the answer arrives.
	body := strings.Repeat("x", 32<<20)
	resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
	}
	if status, got := get(t, srv.URL); status != 200 || got != "ok" {
		t.Fatalf("GET after the early answer: %d %q", status, got)
	}
	if n := accepted.Load(); n != 2 {
		t.Errorf("target accepted %d connections, want 2 (the POST's connection dropped)", n)
	}
	for range 2 {
		if line := <-firstLines; !strings.HasPrefix(line, "POST") && !strings.HasPrefix(line, "GET") {
			t.Errorf("target read %q as a request line", line)
		}
	}
}

// TestChunkedBothWays: a body of unknown length goes out chunked with its trailers; a chunked
// answer with extensions comes back whole.
func TestChunkedBothWays(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		head := readHead(br)
		var raw strings.Builder
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				break
			}
			raw.WriteString(line)
			if line == "\r\n" && strings.Contains(raw.String(), "0\r\n") {
				break
			}
		}
		got <- strings.Join(head, "|") + "||" + raw.String()
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
	})
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	r := httptest.NewRequest(http.MethodPost, "http://lb/up", io.NopCloser(strings.NewReader("hello")))
	r.ContentLength = -1
	r.Header = http.Header{}
	r.Trailer = http.Header{"X-Sum": {"5"}}
	w := httptest.NewRecorder()
	if err := c.Forward(w, r, addr, false); err != nil {
		t.Fatal(err)
	}
	want := "POST /up HTTP/1.1|Host: lb|Transfer-Encoding: chunked|Trailer: X-Sum||5\r\nhello\r\n0\r\nX-Sum: 5\r\n\r\n"
	if g := <-got; g != want {
		t.Errorf("target saw %q, want %q", g, want)
	}
	if w.Body.String() != "abcde" {
		t.Errorf("body %q", w.Body)
	}
}

// TestIdleConnectionsExpire: a pooled connection unused past IdleConnTimeout is closed by the
// client, not left to the target.
func TestIdleConnectionsExpire(t *testing.T) {
	t.Parallel()
	closed := make(chan struct{})
	addr, _ := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		if _, err := br.ReadByte(); errors.Is(err, io.EOF) {
			close(closed)
		}
	})
	srv := front(t, New(Options{IdleConnTimeout: 50 * time.Millisecond}), addr)
	if status, _ := get(t, srv.URL); status != 200 {
		t.Fatal(status)
	}
	select {
	case <-closed:
	case <-time.After(8 * time.Second):
		t.Fatal("the pooled connection was not closed")
	}
}

// TestHeadResponseHasNoBody: a HEAD answer with Content-Length carries no body, and the
// connection stays usable for the next request.
func TestHeadResponseHasNoBody(t *testing.T) {
	t.Parallel()
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		for {
			head := readHead(br)
			if len(head) == 0 {
				return
			}
			if strings.HasPrefix(head[0], "HEAD") {
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
				continue
			}
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	srv := front(t, New(Options{}), addr)
	resp, err := http.Head(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ContentLength != 100 {
		t.Errorf("HEAD Content-Length %d, want the target's 100", resp.ContentLength)
	}
	if status, body := get(t, srv.URL); status != 200 || body != "ok" || accepted.Load() != 1 {
		t.Errorf("GET after HEAD: %d %q over %d connections", status, body, accepted.Load())
	}
}

// TestExtraBytesNeverAnswerTheNextRequest: a target that sends more than its response's framing
// (a second, unasked response) cannot have those bytes read as the answer to the next request:
// the connection is not reused.
func TestExtraBytesNeverAnswerTheNextRequest(t *testing.T) {
	t.Parallel()
	addr, accepted := rawTarget(t, func(n int32, c net.Conn, br *bufio.Reader) {
		for {
			if len(readHead(br)) == 0 {
				return
			}
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"+
				"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil")
		}
	})
	srv := front(t, New(Options{}), addr)
	for i := range 3 {
		if status, body := get(t, srv.URL); status != 200 || body != "ok" {
			t.Fatalf("request %d: %d %q", i, status, body)
		}
	}
	if n := accepted.Load(); n != 3 {
		t.Errorf("target accepted %d connections for 3 requests, want 3 (none reused)", n)
	}
}
