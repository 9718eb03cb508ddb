package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// echo answers with what it saw: method, target, host, body, and the head's verdict.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	verdict := "-"
	if rcv := wire.ReceivedFrom(r.Context()); rcv != nil && rcv.Head != nil {
		verdict = rcv.Head.Verdict.Class.String() + "/" + rcv.Head.Verdict.Reason.String()
	}
	w.Header().Set("X-Verdict", verdict)
	if err != nil {
		w.Header().Set("X-Body-Error", err.Error())
	}
	fmt.Fprintf(w, "%s %s %s %q", r.Method, r.RequestURI, r.Host, b)
})

// TestPipelinedRequestsAnsweredInOrder: requests sent in one write are answered in their order
// on the same connection, each with its own body.
func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"+
		"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"+
		"POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n1;ext=1\r\nz\r\n0\r\n\r\n"+
		"HEAD /4 HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	want := []string{`GET /1 a ""`, `POST /2 a "abc"`, `POST /3 a "xyz"`, ``}
	methods := []string{"GET", "POST", "POST", "HEAD"}
	for i, w := range want {
		resp, body := readResponse(t, br, methods[i])
		if resp.StatusCode != 200 || body != w || resp.Close {
			t.Fatalf("response %d: %d %q close=%v, want 200 %q kept alive", i+1, resp.StatusCode, body, resp.Close, w)
		}
	}
}

// TestExpectContinue: LST-08, the client gets 100 Continue once the handler reads the body, and
// the final response after it.
func TestExpectContinue(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("got %q, %v; want 100 Continue first", line, err)
	}
	if blank, _ := br.ReadString('\n'); blank != "\r\n" {
		t.Fatalf("100 Continue followed by %q", blank)
	}
	_, _ = io.WriteString(c, "hello")
	resp, body := readResponse(t, br, "PUT")
	if resp.StatusCode != 200 || body != `PUT /x a "hello"` {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

// TestExpectContinueUnread: a handler that answers without reading the body never sends 100
// Continue, and the connection closes (the client need not send the body).
func TestExpectContinueUnread(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
	br := bufio.NewReader(c)
	resp, _ := readResponse(t, br, "PUT")
	if resp.StatusCode != 403 || !resp.Close {
		t.Fatalf("got %d close=%v, want 403 and Connection: close", resp.StatusCode, resp.Close)
	}
}

// TestRefusedHeads: what the loop answers itself, with the ALB's page and a close.
func TestRefusedHeads(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	for _, tc := range []struct {
		desc, req string
		status    int
	}{
		{"request line over 16 K: 414", "GET /" + strings.Repeat("a", 17<<10) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
		{"field line over 16 K", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("b", 17<<10) + "\r\n\r\n", 400},
		{"no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"one token", "GARBAGE\r\n\r\n", 400},
		{"HTTP/0.9", "GET /\r\n\r\n", 400},
		{"HTTP/2.0 in a request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"LST-07 unknown coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"different Content-Lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"bad Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na", 400},
		{"chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400},
		{"NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400},
		{"control character in the target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c := dial(t, addr)
			_, _ = io.WriteString(c, tc.req)
			br := bufio.NewReader(c)
			resp, body := readResponse(t, br, "GET")
			if resp.StatusCode != tc.status || !resp.Close || body != elberr.Page(tc.status) || resp.Header.Get("Server") != elberr.Server {
				t.Fatalf("got %d close=%v %q, want the ALB's %d page", resp.StatusCode, resp.Close, body, tc.status)
			}
			if !closedByServer(br) {
				t.Fatal("connection left open")
			}
		})
	}
}

// TestVerdictReachesHandler: what net/http could not see is classified on the raw head and
// handed to the handler (wire.Received); RFC 9112's closes apply whatever the handler does.
func TestVerdictReachesHandler(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	for _, tc := range []struct {
		desc, req, verdict, body string
		closed                   bool
	}{
		{"CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
			"Ambiguous/BothTeClPresent", `POST / a "x"`, true},
		{"duplicate CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
			"Ambiguous/DuplicateContentLength", `POST / a "ab"`, false},
		{"bare LF", "GET / HTTP/1.1\nHost: a\n\n", "Acceptable/NonCrLfLineTermination", `GET / a ""`, false},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", "Ambiguous/MultilineHeader", `GET / a ""`, false},
		{"compliant", "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n", "/", `GET /ok a ""`, false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c := dial(t, addr)
			_, _ = io.WriteString(c, tc.req)
			br := bufio.NewReader(c)
			resp, body := readResponse(t, br, "GET")
			if got := resp.Header.Get("X-Verdict"); got != tc.verdict || body != tc.body {
				t.Fatalf("verdict %q body %q, want %q %q", got, body, tc.verdict, tc.body)
			}
			if resp.Close != tc.closed {
				t.Fatalf("Connection: close = %v, want %v", resp.Close, tc.closed)
			}
		})
	}
}

// TestMalformedChunksCloseTheConnection: a chunked body that breaks its framing (a bare LF after
// the size) fails the handler's read, and the connection is not reused: nothing after it can be
// trusted to be a request.
func TestMalformedChunksCloseTheConnection(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	resp, _ := readResponse(t, br, "POST")
	if resp.Header.Get("X-Body-Error") == "" || !resp.Close {
		t.Fatalf("body error %q close=%v, want an error and a close", resp.Header.Get("X-Body-Error"), resp.Close)
	}
	if !closedByServer(br) {
		t.Fatal("the bytes after a broken body were served")
	}
}

// TestChunkedTrailer: declared trailer fields reach r.Trailer once the body is read.
func TestChunkedTrailer(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, r.Trailer.Get("X-Sum"))
	}), 10*time.Second)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Sum: 42\r\nX-Other: 1\r\n\r\n")
	_, body := readResponse(t, bufio.NewReader(c), "POST")
	if body != "42" {
		t.Fatalf("trailer %q, want 42", body)
	}
}

// TestIdleTimeout: TMO-01, a client silent mid-head gets 408; a silent connection is closed
// without a response.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 300*time.Millisecond)
	c := dial(t, addr)
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost")
	br := bufio.NewReader(c)
	resp, _ := readResponse(t, br, "GET")
	if resp.StatusCode != 408 || !resp.Close {
		t.Fatalf("got %d, want 408 and a close", resp.StatusCode)
	}
	silent := dial(t, addr)
	b, err := io.ReadAll(silent)
	if err != nil || len(b) != 0 {
		t.Fatalf("silent connection got %q, %v; want a plain close", b, err)
	}
}

// TestResponseFraming: what the client receives for the handler's ways of writing, as
// net/http's server frames them.
func TestResponseFraming(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 5000)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			_, _ = io.WriteString(w, "<html>hi")
		case "/big":
			_, _ = io.WriteString(w, big)
		case "/flush":
			_, _ = io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "b")
		case "/length":
			w.Header().Set("Content-Length", "3")
			_, _ = io.WriteString(w, "abc")
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/trailer":
			w.Header().Set("Trailer", "X-T")
			_, _ = io.WriteString(w, "t")
			w.Header().Set("X-T", "v")
		}
	}), 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for _, tc := range []struct {
		path, body, contentType string
		length                  int64
		chunked                 bool
	}{
		{"/small", "<html>hi", "text/html; charset=utf-8", 8, false},
		{"/big", big, "text/plain; charset=utf-8", -1, true},
		{"/flush", "ab", "text/plain; charset=utf-8", -1, true},
		{"/length", "abc", "text/plain; charset=utf-8", 3, false},
		{"/nocontent", "", "", 0, false},
		{"/trailer", "t", "text/plain; charset=utf-8", -1, true},
	} {
		_, _ = io.WriteString(c, "GET "+tc.path+" HTTP/1.1\r\nHost: a\r\n\r\n")
		resp, body := readResponse(t, br, "GET")
		chunked := len(resp.TransferEncoding) > 0
		if body != tc.body || resp.Header.Get("Content-Type") != tc.contentType || resp.ContentLength != tc.length ||
			chunked != tc.chunked || resp.Header.Get("Date") == "" {
			t.Errorf("%s: body %d bytes, type %q, length %d, chunked %v", tc.path, len(body), resp.Header.Get("Content-Type"), resp.ContentLength, chunked)
		}
		if tc.path == "/trailer" && resp.Trailer.Get("X-T") != "v" {
			t.Errorf("trailer %v", resp.Trailer)
		}
	}
}

// TestHTTP10: an HTTP/1.0 client is closed after its response unless it asks for keep-alive.
func TestHTTP10(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, echo, 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	_, _ = io.WriteString(c, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	resp, _ := readResponse(t, br, "GET")
	if resp.Close || resp.Header.Get("Connection") != "keep-alive" {
		t.Fatalf("keep-alive refused: %v", resp.Header)
	}
	_, _ = io.WriteString(c, "GET /b HTTP/1.0\r\n\r\n")
	if readResponse(t, br, "GET"); !closedByServer(br) {
		t.Fatal("HTTP/1.0 without keep-alive left open")
	}
}

// TestUnframeableHeadToVerdictHandler: with Verdicts, a head whose body cannot be delimited is
// handed over without a body (for the router to block and log), and the connection closes:
// the bytes behind it are never read as a request.
func TestUnframeableHeadToVerdictHandler(t *testing.T) {
	t.Parallel()
	ln, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rcv := wire.ReceivedFrom(r.Context())
		if r.Body != http.NoBody || !rcv.Actions[wire.Monitor].Block {
			t.Errorf("body %v, actions %+v", r.Body, rcv.Actions)
		}
		w.Header().Set("X-Verdict", rcv.Head.Verdict.Reason.String())
		w.WriteHeader(http.StatusBadRequest)
	}), 10*time.Second, func(s *Server) { s.Verdicts = true })
	c := dial(t, ln)
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 20\r\n\r\nxGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	resp, _ := readResponse(t, br, "POST")
	if resp.Header.Get("X-Verdict") != "MultipleContentLength" || !resp.Close || !closedByServer(br) {
		t.Fatalf("verdict %q close=%v", resp.Header.Get("X-Verdict"), resp.Close)
	}
}

// TestResponseHeaderStartsEmpty: the connection reuses its response header map from request to
// request, so what one handler set must not reach the next response.
func TestResponseHeaderStartsEmpty(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(w.Header()) != 0 {
			t.Errorf("request %s: the handler found a header of %d keys; want an empty one", r.URL.Path, len(w.Header()))
		}
		if r.URL.Path == "/first" {
			w.Header().Set("X-First", "1")
			w.Header().Set("Content-Type", "text/x-first")
		}
		_, _ = io.WriteString(w, r.URL.Path)
	}), time.Minute)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for _, path := range []string{"/first", "/second"} {
		if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, body := readResponse(t, br, http.MethodGet)
		first := path == "/first"
		if got := resp.Header.Get("X-First") != ""; got != first || body != path {
			t.Errorf("%s: X-First present %v, body %q; want %v, %q", path, got, body, first, path)
		}
		if ct := resp.Header.Get("Content-Type"); first && ct != "text/x-first" || !first && ct == "text/x-first" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
	}
}

// TestKeptDeadlineIsNotObeyed: the loop keeps the read deadline of an earlier head while it is
// close to the one wanted (armHeadDeadline); when that one passes during a keep-alive wait or
// inside a head, the connection is not closed early: only a full idle timeout of silence, or a
// head not complete an idle timeout after its first byte, ends it.
func TestKeptDeadlineIsNotObeyed(t *testing.T) {
	t.Parallel()
	const idle = 2 * time.Second // the margins below are fractions of it: generous under load
	addr, _ := serve(t, echo, idle)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	get := func(name string, parts ...string) {
		t.Helper()
		for i, p := range parts {
			if i > 0 {
				time.Sleep(idle * 13 / 20) // past the kept deadline, within the wanted one
			}
			_, _ = io.WriteString(c, p)
		}
		if resp, _ := readResponse(t, br, "GET"); resp.StatusCode != 200 {
			t.Fatalf("%s: status %d, want 200", name, resp.StatusCode)
		}
	}
	const head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	// A sets the deadline; B, 0.45 idle timeouts later, keeps it; it passes during the wait
	// for C, which comes 0.35 idle timeouts before the wanted one.
	get("A", head)
	time.Sleep(idle * 9 / 20)
	get("B", head)
	time.Sleep(idle * 13 / 20)
	get("C", head)
	// D sets a fresh deadline; E starts 0.45 idle timeouts later and keeps it; it passes in
	// the middle of E's head.
	get("D", head)
	time.Sleep(idle * 9 / 20)
	get("E", "GET / HTTP/1.1\r\n", "Host: x\r\n\r\n")
	// Then silence: the connection closes after the idle timeout.
	if !closedByServer(br) {
		t.Fatal("a silent keep-alive connection was not closed")
	}
}
