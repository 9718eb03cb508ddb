package server

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// TestRefusalsReported: every page the loop sends itself reaches Server.Refused (the access log's
// entry, issue 20) with the request line and Host when they were read, nothing of them when the
// line was not, the head's verdict, and the bytes the client received.
func TestRefusalsReported(t *testing.T) {
	t.Parallel()
	refused := make(chan elberr.Refusal, 1)
	addr, _ := serve(t, echo, 10*time.Second, func(s *Server) {
		s.Refused = func(_ context.Context, _ net.Conn, r *elberr.Refusal) { refused <- *r }
	})
	for _, tc := range []struct {
		desc, req string
		want      elberr.Refusal // Received, RemoteAddr and SentBytes are checked apart
	}{
		{"request line over 16 K: not read, logged without it", "GET /" + strings.Repeat("a", 17<<10) + " HTTP/1.1\r\nHost: a\r\n\r\n",
			elberr.Refusal{Status: 414}},
		{"one token: no request line to log", "GARBAGE\r\n\r\n", elberr.Refusal{Status: 400}},
		{"too many empty lines", strings.Repeat("\r\n", 12) + "GET / HTTP/1.1\r\n\r\n", elberr.Refusal{Status: 400}},
		{"field line over 16 K: the line and the Host read before it",
			"GET /big HTTP/1.1\r\nHost: Obs.example.com\r\nUser-Agent: t/1\r\nX: " + strings.Repeat("b", 17<<10) + "\r\n\r\n",
			elberr.Refusal{Status: 400, Method: "GET", Target: "/big", Proto: "HTTP/1.1", Host: "Obs.example.com", UserAgent: "t/1", ReceivedBytes: 59}},
		{"header block over 64 K", "GET /big HTTP/1.1\r\nHost: obs.example.com\r\n" + strings.Repeat("X-A: "+strings.Repeat("b", 8000)+"\r\n", 9) + "\r\n",
			elberr.Refusal{Status: 400, Method: "GET", Target: "/big", Proto: "HTTP/1.1", Host: "obs.example.com", ReceivedBytes: -1}},
		{"no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n",
			elberr.Refusal{Status: 400, Method: "GET", Target: "/", Proto: "HTTP/1.1", ReceivedBytes: 18}},
		{"HTTP/2.0 in a request line", "GET /v HTTP/2.0\r\nHost: obs.example.com\r\n\r\n",
			elberr.Refusal{Status: 505, Method: "GET", Target: "/v", Proto: "HTTP/2.0", Host: "obs.example.com", ReceivedBytes: 42,
				Classification: "Severe", ClassificationReason: "BadVersion"}},
		{"LST-07 unknown coding", "POST /te HTTP/1.1\r\nHost: obs.example.com\r\nTransfer-Encoding: gzip\r\n\r\n",
			elberr.Refusal{Status: 501, Method: "POST", Target: "/te", Proto: "HTTP/1.1", Host: "obs.example.com", ReceivedBytes: 69,
				Classification: "Severe", ClassificationReason: "BadTransferEncoding"}},
		{"NUL in a value: blocked with its verdict", "GET /nul HTTP/1.1\r\nHost: obs.example.com\r\nX: a\x00b\r\n\r\n",
			elberr.Refusal{Status: 400, Method: "GET", Target: "/nul", Proto: "HTTP/1.1", Host: "obs.example.com", ReceivedBytes: 52,
				Classification: "Severe", ClassificationReason: "BadHeader"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c := dial(t, addr)
			_, _ = io.WriteString(c, tc.req)
			got, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			var r elberr.Refusal
			select {
			case r = <-refused:
			case <-time.After(10 * time.Second):
				t.Fatal("no refusal reported")
			}
			if r.SentBytes != int64(len(got)) || !strings.HasPrefix(string(got), "HTTP/1.1 ") {
				t.Errorf("sent_bytes %d, the client received %d: %q", r.SentBytes, len(got), got)
			}
			if r.RemoteAddr != c.LocalAddr().String() || r.Received.IsZero() {
				t.Errorf("client %q received %v", r.RemoteAddr, r.Received)
			}
			if tc.want.ReceivedBytes < 0 && r.ReceivedBytes > 0 {
				tc.want.ReceivedBytes = r.ReceivedBytes // as far as the head was read: the buffer's growth decides
			}
			r.SentBytes, r.RemoteAddr, r.Received = 0, "", time.Time{}
			if r != tc.want {
				t.Errorf("refusal\n%+v\nwant\n%+v", r, tc.want)
			}
		})
	}
}

// TestStalledHeadReported: a head that stops arriving gets TMO-01's 408, reported with the
// request line and Host that had arrived.
func TestStalledHeadReported(t *testing.T) {
	t.Parallel()
	refused := make(chan elberr.Refusal, 1)
	addr, _ := serve(t, echo, 300*time.Millisecond, func(s *Server) {
		s.Refused = func(_ context.Context, _ net.Conn, r *elberr.Refusal) { refused <- *r }
	})
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: obs.example.com\r\nX-Half: ")
	got, _ := io.ReadAll(c)
	r := <-refused
	if !strings.HasPrefix(string(got), "HTTP/1.1 408 ") || r.Status != 408 || r.SentBytes != int64(len(got)) {
		t.Fatalf("got %q, refusal %+v", got, r)
	}
	if r.Method != "GET" || r.Target != "/slow" || r.Host != "obs.example.com" {
		t.Errorf("refusal %+v, want GET /slow for obs.example.com", r)
	}
}

// FuzzRefusalOf: whatever bytes a client sent before net/http refused them, the access log's
// record of the refusal is built without a panic, and it either has a whole request line or none
// (go test -fuzz FuzzRefusalOf ./internal/h1/server).
func FuzzRefusalOf(f *testing.F) {
	for _, seed := range []string{
		"POST /te HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("b", 100),
		"GARBAGE\r\n\r\n",
		"GET /\r\n\r\n",
		"\r\n\r\nGET / HTTP/1.1\nHost: a\n X: folded\n\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := RefusalOf(raw, 400, 272)
		if r.Status != 400 || r.SentBytes != 272 {
			t.Fatalf("status %d sent %d", r.Status, r.SentBytes)
		}
		if (r.Method == "") != (r.Target == "") || (r.Method == "") != (r.Proto == "") {
			t.Fatalf("a partial request line: %q %q %q", r.Method, r.Target, r.Proto)
		}
		if r.Method == "" && (r.Host != "" || r.ReceivedBytes != 0 || r.Classification != "") {
			t.Fatalf("no request line but %+v", r)
		}
		if r.ReceivedBytes > int64(len(raw)) {
			t.Fatalf("received %d of %d bytes", r.ReceivedBytes, len(raw))
		}
	})
}
