package elberr

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawResponse is one response as read off the socket, status line untouched.
type rawResponse struct {
	statusLine string
	header     []string // "Name: value" lines in wire order
	body       string
}

// get returns the first header line value named name, or "".
func (r rawResponse) get(name string) string {
	for _, line := range r.header {
		if k, v, ok := strings.Cut(line, ": "); ok && strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// readRaw reads one response from br by hand, so that the status line is seen exactly as sent.
func readRaw(t *testing.T, br *bufio.Reader, head bool) rawResponse {
	t.Helper()
	var resp rawResponse
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("reading status line: %v", err)
	}
	resp.statusLine = strings.TrimSuffix(line, "\r\n")
	for {
		line, err = br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading headers: %v", err)
		}
		if line == "\r\n" {
			break
		}
		resp.header = append(resp.header, strings.TrimSuffix(line, "\r\n"))
	}
	n, err := strconv.Atoi(resp.get("Content-Length"))
	if err != nil {
		t.Fatalf("Content-Length %q: %v", resp.get("Content-Length"), err)
	}
	if head {
		return resp
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatalf("reading %d body bytes: %v", n, err)
	}
	resp.body = string(body)
	return resp
}

// resumeListener is what a listener can do with Writer.Resume: hand hijacked connections back to
// its http.Server through Accept.
type resumeListener struct {
	net.Listener
	conns chan net.Conn
	quit  chan struct{}
	once  sync.Once
}

func newResumeListener(t *testing.T) *resumeListener {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &resumeListener{Listener: inner, conns: make(chan net.Conn), quit: make(chan struct{})}
	go func() {
		for {
			c, err := inner.Accept()
			if err != nil {
				return
			}
			l.Resume(c)
		}
	}()
	return l
}

func (l *resumeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.quit:
		return nil, net.ErrClosed
	}
}

func (l *resumeListener) Resume(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.quit:
		c.Close()
	}
}

func (l *resumeListener) Close() error {
	l.once.Do(func() { close(l.quit) })
	return l.Listener.Close()
}

// serve starts an HTTP server on 127.0.0.1 whose handler answers with h, and returns a
// connected raw client. With resume, hijacked connections come back to the server.
func serve(t *testing.T, resume bool, h func(Writer, http.ResponseWriter, *http.Request)) (net.Conn, *bufio.Reader) {
	t.Helper()
	l := newResumeListener(t)
	wr := Writer{}
	if resume {
		wr.Resume = l.Resume
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(wr, w, r) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close(); l.Close() })
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

func send(t *testing.T, c net.Conn, req string) {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
}

// expectEOF checks that the server closed the connection after the response.
func expectEOF(t *testing.T, br *bufio.Reader) {
	t.Helper()
	if b, err := br.ReadByte(); err == nil {
		t.Errorf("connection still open: read %q", b)
	}
}

const getReq = "GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n"
