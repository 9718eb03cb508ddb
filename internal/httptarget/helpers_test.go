package httptarget_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
)

// front starts a load balancer front end on 127.0.0.1 that forwards every request through p to
// the target at addr and answers failures with the ALB's page, as the router does. Each finished
// exchange is sent on the returned channel.
func front(t *testing.T, p *httptarget.Proxy, addr string) (*httptest.Server, <-chan *observe.Exchange) {
	t.Helper()
	exchanges := make(chan *observe.Exchange, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := &observe.Exchange{}
		defer func() { exchanges <- ex }()
		r = r.WithContext(observe.WithExchange(r.Context(), ex))
		if err := p.Serve(w, r, addr); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				t.Errorf("Serve returned %T %v, want *elberr.Error", err, err)
				return
			}
			ex.Status = e.Status
			_ = elberr.Write(w, r, e, true)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(p.Close)
	return srv, exchanges
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// target starts an HTTP target on 127.0.0.1 serving h and returns its address and listener.
func target(t *testing.T, h http.HandlerFunc) (string, *countingListener) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &countingListener{Listener: inner}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String(), l
}

// rawTarget starts a TCP target on 127.0.0.1 that handles each connection with serve.
func rawTarget(t *testing.T, serve func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); close(done) })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	return l.Addr().String()
}

// readRequestHead consumes one request head from br.
func readRequestHead(br *bufio.Reader) {
	for {
		line, err := br.ReadString('\n')
		if err != nil || line == "\r\n" {
			return
		}
	}
}

// rawDo sends req on a new connection to addr and returns the response head lines (status line
// first) and body, read until the server closes or Content-Length is reached.
func rawDo(t *testing.T, addr, req string) (head []string, body string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(c, &headRecorder{head: &head})), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return head, string(b)
}

// headRecorder keeps the raw header lines that pass through it, up to the blank line.
type headRecorder struct {
	head *[]string
	buf  string
	done bool
}

func (h *headRecorder) Write(p []byte) (int, error) {
	if h.done {
		return len(p), nil
	}
	h.buf += string(p)
	if i := strings.Index(h.buf, "\r\n\r\n"); i >= 0 {
		*h.head = strings.Split(h.buf[:i], "\r\n")
		h.done = true
	}
	return len(p), nil
}

// headerNames returns the lowercased names of "Name: value" lines.
func headerNames(lines []string) map[string]bool {
	names := map[string]bool{}
	for _, l := range lines {
		if k, _, ok := strings.Cut(l, ":"); ok {
			names[strings.ToLower(k)] = true
		}
	}
	return names
}
