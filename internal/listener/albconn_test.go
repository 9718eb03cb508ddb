package listener

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// malformed are requests net/http answers by itself, before any handler runs, with the status
// it sends and the status the ALB sends instead (§7, LIM-02, T30).
var malformed = []struct {
	desc      string
	req       string
	goStatus  int
	albStatus int
}{
	{desc: "HTTP/1.1 without Host -> 400", req: "GET / HTTP/1.1\r\n\r\n", goStatus: 400, albStatus: 400},
	{desc: "malformed request line -> 400", req: "GARBAGE\r\n\r\n", goStatus: 400, albStatus: 400},
	{desc: "LIM-02 header block over the limit: 431 becomes 400", goStatus: 431, albStatus: 400,
		req: "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 90<<10) + "\r\n\r\n"},
	{desc: "T30 Transfer-Encoding gzip -> 501", req: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", goStatus: 501, albStatus: 501},
	{desc: "unsupported version -> 505", req: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", goStatus: 505, albStatus: 505},
}

// rawRoundTrip sends req on a new connection to addr and returns every byte the server sent
// until it closed the connection.
func rawRoundTrip(t *testing.T, addr, req string) []byte {
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
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the reply (%q so far): %v", b, err)
	}
	return b
}

// plainServer is a bare net/http server configured like a listener generation, so that tests
// see net/http's own bytes, unrewritten.
func plainServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, MaxHeaderBytes: 80 << 10}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// TestGoErrorStatus feeds goErrorStatus the exact bytes net/http writes for malformed requests
// (recognised, with their status) and for handler responses of the most similar shape (never
// recognised: a handler response carries Date, and its body is its own).
func TestGoErrorStatus(t *testing.T) {
	addr := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Connection", "close")
		if r.URL.Path == "/nodate" {
			h["Date"] = nil
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "400 Bad Request")
	})
	for _, tc := range malformed {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			b := rawRoundTrip(t, addr, tc.req)
			if status, ok := goErrorStatus(b); !ok || status != tc.goStatus {
				t.Errorf("goErrorStatus(%q) = %d, %v; want %d", b, status, ok, tc.goStatus)
			}
		})
	}
	handlerCases := []struct{ desc, req string }{
		{desc: "handler 400 with net/http's headers", req: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"},
		{desc: "handler 400 without Date", req: "GET /nodate HTTP/1.1\r\nHost: a\r\n\r\n"},
	}
	for _, tc := range handlerCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			b := rawRoundTrip(t, addr, tc.req)
			if status, ok := goErrorStatus(b); ok {
				t.Errorf("handler response %q recognised as net/http's %d", b, status)
			}
		})
	}
	fragments := []string{
		"HTTP/1.1 400 Bad Request",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request and more",
		"HTTP/1.1 4x0 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n4x0 Bad Request",
	}
	for _, f := range fragments {
		if status, ok := goErrorStatus([]byte(f)); ok {
			t.Errorf("fragment %q recognised as %d", f, status)
		}
	}
}

// TestMalformedRequestsGetALBPages: through a listener, net/http's replies become the ALB's
// pages: nginx phrase, Server: awselb/2.0, text/html, the ERR-BODY page, Connection: close.
func TestMalformedRequestsGetALBPages(t *testing.T) {
	l := listen(t, okHandler("ok"), Options{})
	for _, tc := range malformed {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			b := rawRoundTrip(t, l.Addr().String(), tc.req)
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(b))), nil)
			if err != nil {
				t.Fatalf("reply %q: %v", b, err)
			}
			body, _ := io.ReadAll(resp.Body)
			wantLine := "HTTP/1.1 " + itoa(tc.albStatus) + " " + elberr.Reason(tc.albStatus) + "\r\n"
			if !strings.HasPrefix(string(b), wantLine) || resp.Header.Get("Server") != "awselb/2.0" ||
				resp.Header.Get("Content-Type") != "text/html" || string(body) != elberr.Page(tc.albStatus) || !resp.Close {
				t.Errorf("reply %q, want the ALB %d page", b, tc.albStatus)
			}
		})
	}
}

// TestCloseWrite: the half-close net/http and elberr rely on reaches the TCP connection.
func TestCloseWrite(t *testing.T) {
	t.Parallel()
	a, b := tcpPair(t)
	c := &albConn{Conn: a}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("peer read %d, %v; want EOF after CloseWrite", n, err)
	}
	if _, err := io.WriteString(b, "still open"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 10)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "still open" {
		t.Errorf("read after CloseWrite: %q, %v", got, err)
	}
}

func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	_ = a.SetDeadline(time.Now().Add(10 * time.Second))
	_ = b.SetDeadline(time.Now().Add(10 * time.Second))
	return a, b
}
