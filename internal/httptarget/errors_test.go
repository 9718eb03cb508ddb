package httptarget_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/httptarget"
)

// refusedAddr returns a 127.0.0.1 address nobody listens on.
func refusedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestTargetFailures maps target failures to the ALB's answers (§7 502/504 rows, TMO-02,
// LIM-01/02): the status line, the ERR-BODY page, and the exchange's target fields.
func TestTargetFailures(t *testing.T) {
	respond := func(resp string) func(net.Conn, *bufio.Reader) {
		return func(c net.Conn, br *bufio.Reader) {
			readRequestHead(br)
			_, _ = io.WriteString(c, resp)
		}
	}
	bigHeader := func(n int) string {
		return "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("b", n) + "\r\nContent-Length: 2\r\n\r\nok"
	}
	testCases := []struct {
		desc     string
		addr     func(t *testing.T) string
		wantLine string
	}{
		{desc: "connection refused -> 502", addr: refusedAddr, wantLine: "HTTP/1.1 502 Bad Gateway"},
		{desc: "silent past ResponseTimeout -> 504", wantLine: "HTTP/1.1 504 Gateway Time-out",
			addr: func(t *testing.T) string {
				return rawTarget(t, func(c net.Conn, br *bufio.Reader) { _, _ = io.Copy(io.Discard, br) })
			}},
		{desc: "garbage response -> 502", wantLine: "HTTP/1.1 502 Bad Gateway",
			addr: func(t *testing.T) string { return rawTarget(t, respond("SSH-2.0-OpenSSH_9.6\r\n\r\n")) }},
		{desc: "closed with the request outstanding -> 502", wantLine: "HTTP/1.1 502 Bad Gateway",
			addr: func(t *testing.T) string { return rawTarget(t, respond("")) }},
		{desc: "LIM-02 response headers over 32 K -> 502", wantLine: "HTTP/1.1 502 Bad Gateway",
			addr: func(t *testing.T) string { return rawTarget(t, respond(bigHeader(32<<10))) }},
		{desc: "response headers under 32 K pass", wantLine: "HTTP/1.1 200 OK",
			addr: func(t *testing.T) string { return rawTarget(t, respond(bigHeader(31<<10))) }},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			addr := tc.addr(t)
			srv, exchanges := front(t, httptarget.New(httptarget.Options{ResponseTimeout: 300 * time.Millisecond}), addr)
			head, body := rawDo(t, srv.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
			if head[0] != tc.wantLine {
				t.Fatalf("status line %q, want %q", head[0], tc.wantLine)
			}
			ex := <-exchanges
			if ex.Target != addr {
				t.Errorf("exchange target %q, want %q", ex.Target, addr)
			}
			var status int
			_, _ = fmt.Sscanf(tc.wantLine, "HTTP/1.1 %d", &status)
			if status == http.StatusOK {
				return
			}
			if body != elberr.Page(status) || !strings.Contains(strings.Join(head, "\n"), "Server: awselb/2.0") {
				t.Errorf("response %q %q, want the ALB page", head, body)
			}
			if ex.TargetStatus != 0 {
				t.Errorf("exchange target status %d for a failed target", ex.TargetStatus)
			}
		})
	}
}

// TestTargetClosesMidBody: once the response started, a target that breaks off must not give
// the client a clean short response; the client sees the response aborted.
func TestTargetClosesMidBody(t *testing.T) {
	testCases := []struct {
		desc string
		resp string
	}{
		{desc: "Content-Length not reached", resp: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello"},
		{desc: "chunked without its last chunk", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
				readRequestHead(br)
				_, _ = io.WriteString(c, tc.resp)
			})
			srv, exchanges := front(t, httptarget.New(httptarget.Options{}), addr)
			// Whether the head already left (chunked, flushed at once) or was still buffered
			// (Content-Length), the connection is cut: the client sees an error, never EOF at a
			// message boundary.
			resp, err := srv.Client().Get(srv.URL)
			if err == nil {
				body, readErr := io.ReadAll(resp.Body)
				resp.Body.Close()
				if readErr == nil {
					t.Errorf("client read a clean response %d %q; want an aborted one", resp.StatusCode, body)
				}
			}
			if ex := <-exchanges; ex.TargetStatus != http.StatusOK {
				t.Errorf("exchange target status %d, want 200", ex.TargetStatus)
			}
		})
	}
}
