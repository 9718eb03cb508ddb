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
)

// TestElberrPageKeepsConnection: elberr writes pages whose phrase net/http cannot on the
// hijacked connection and gives a clean one back (elberr.WithResume); the loop serves the next
// request on it, also one sent before the page went out.
func TestElberrPageKeepsConnection(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/unavailable" {
			_ = elberr.Write(w, r, &elberr.Error{Status: http.StatusServiceUnavailable}, true)
			return
		}
		_, _ = io.WriteString(w, "next")
	}), 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	_, _ = io.WriteString(c, "POST /unavailable HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab")
	resp, body := readResponse(t, br, "POST")
	if resp.StatusCode != 503 || resp.Status != "503 Service Temporarily Unavailable" || resp.Close || body != elberr.Page(503) {
		t.Fatalf("got %q close=%v %q", resp.Status, resp.Close, body)
	}
	_, _ = io.WriteString(c, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
	if _, body := readResponse(t, br, "GET"); body != "next" {
		t.Fatalf("after the page: %q", body)
	}
}

// TestLargeHeadGrowsTheBuffer: a head near LIM-01's limits is served whole, and the connection
// serves small requests after it.
func TestLargeHeadGrowsTheBuffer(t *testing.T) {
	t.Parallel()
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, len(r.Header["X-Pad"]), len(r.Header.Get("X-Big")))
	}), 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	pad := strings.Repeat("X-Pad: "+strings.Repeat("p", 7000)+"\r\n", 6)
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: "+strings.Repeat("b", 16000)+"\r\n"+pad+"\r\n")
	if _, body := readResponse(t, br, "GET"); body != "6 16000" {
		t.Fatalf("large head read as %q", body)
	}
	for range 3 {
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		if _, body := readResponse(t, br, "GET"); body != "0 0" {
			t.Fatalf("after the large head: %q", body)
		}
	}
}

// TestLateBodyReaderSeesItsOwnBody: a body read after its handler returned (a transport still
// sending it) fails, and never reads the next request's body.
func TestLateBodyReaderSeesItsOwnBody(t *testing.T) {
	t.Parallel()
	kept := make(chan io.Reader, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			kept <- r.Body
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}), 10*time.Second)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	_, _ = io.WriteString(c, "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nfirst")
	readResponse(t, br, "POST")
	late := <-kept
	_, _ = io.WriteString(c, "POST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nsecond")
	if n, err := late.Read(make([]byte, 16)); err == nil || n != 0 {
		t.Fatalf("late read got %d bytes, %v; want an error", n, err)
	}
	if _, body := readResponse(t, br, "POST"); body != "second" {
		t.Fatalf("second request read %q", body)
	}
}
