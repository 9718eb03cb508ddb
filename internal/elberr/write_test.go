package elberr

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestWriteOnTheWire reads ALB-generated responses with a raw TCP client: exact status line,
// headers and body, and whether the connection stays usable (ERR-BODY, T26, T28, T29).
func TestWriteOnTheWire(t *testing.T) {
	testCases := []struct {
		desc       string
		resume     bool
		req        string
		status     int
		location   string
		detail     string
		omitServer bool
		wantLine   string
		wantHeader map[string]string
		wantClose  bool
	}{
		{desc: "T28 503 raw path with resume keeps the connection", resume: true, req: getReq, status: 503,
			wantLine:   "HTTP/1.1 503 Service Temporarily Unavailable",
			wantHeader: map[string]string{"Server": "awselb/2.0", "Content-Type": "text/html", "Content-Length": "162", "Connection": "keep-alive"}},
		{desc: "503 without resume closes", req: getReq, status: 503,
			wantLine:   "HTTP/1.1 503 Service Temporarily Unavailable",
			wantHeader: map[string]string{"Connection": "close", "Content-Length": "162"}, wantClose: true},
		{desc: "463 has the ALB phrase, not 'status code 463' (LIM-03)", resume: true, req: getReq, status: 463,
			wantLine: "HTTP/1.1 463 Too Many X-Forwarded-For Addresses"},
		{desc: "504 nginx phrase (TMO-02)", resume: true, req: getReq, status: 504,
			wantLine: "HTTP/1.1 504 Gateway Time-out"},
		{desc: "T29 405 nginx phrase", resume: true, req: "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", status: 405,
			wantLine: "HTTP/1.1 405 Not Allowed"},
		{desc: "502 standard path keeps the connection without resume", req: getReq, status: 502,
			wantLine:   "HTTP/1.1 502 Bad Gateway",
			wantHeader: map[string]string{"Server": "awselb/2.0", "Content-Length": "122", "Content-Type": "text/html"}},
		{desc: "400 closes the connection (ERR-BODY)", resume: true, req: getReq, status: 400,
			wantLine: "HTTP/1.1 400 Bad Request", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "414 closes the connection (LIM-01: the line is not read)", resume: true, req: getReq, status: 414,
			wantLine: "HTTP/1.1 414 Request-URI Too Large", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "408 closes the connection (TMO-01)", resume: true, req: getReq, status: 408,
			wantLine: "HTTP/1.1 408 Request Time-out", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "server header disabled (HDR-RESP-01)", resume: true, req: getReq, status: 503, omitServer: true,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Server": ""}},
		{desc: "server header disabled on the standard path", req: getReq, status: 502, omitServer: true,
			wantLine: "HTTP/1.1 502 Bad Gateway", wantHeader: map[string]string{"Server": ""}},
		{desc: "strict-mode detail header", resume: true, req: getReq, status: 503, detail: "no targets in tg-a\r\nX-Evil: 1",
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{DetailHeader: "no targets in tg-a  X-Evil: 1", "X-Evil": ""}},
		{desc: "T26 301 redirect", resume: true, req: getReq, status: 301, location: "https://ex.com:443/a/b?c=d",
			wantLine: "HTTP/1.1 301 Moved Permanently", wantHeader: map[string]string{"Location": "https://ex.com:443/a/b?c=d", "Content-Length": "134"}},
		{desc: "302 redirect raw path", resume: true, req: getReq, status: 302, location: "http://ex.com/",
			wantLine: "HTTP/1.1 302 Moved Temporarily", wantHeader: map[string]string{"Location": "http://ex.com/", "Connection": "keep-alive"}},
		{desc: "unread request body is drained and the connection kept", resume: true,
			req: "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", status: 503,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Connection": "keep-alive"}},
		{desc: "client waiting for 100 Continue gets close", resume: true,
			req: "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", status: 503,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "client asking to close", resume: true, req: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", status: 503,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "HTTP/1.0 without keep-alive", resume: true, req: "GET / HTTP/1.0\r\n\r\n", status: 503,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Connection": "close"}, wantClose: true},
		{desc: "HTTP/1.0 with keep-alive", resume: true, req: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", status: 503,
			wantLine: "HTTP/1.1 503 Service Temporarily Unavailable", wantHeader: map[string]string{"Connection": "keep-alive"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c, br := serve(t, tc.resume, func(wr Writer, w http.ResponseWriter, r *http.Request) {
				wr.OmitServer = tc.omitServer
				if tc.location != "" {
					_ = wr.Redirect(w, r, tc.status, tc.location)
					return
				}
				_ = wr.Error(w, r, &Error{Status: tc.status, Detail: tc.detail})
			})
			send(t, c, tc.req)
			resp := readRaw(t, br, false)
			checkResponse(t, resp, tc.wantLine, tc.wantHeader, tc.status)
			if tc.wantClose {
				expectEOF(t, br)
				return
			}
			send(t, c, getReq) // the same connection serves the next request
			if again := readRaw(t, br, false); again.statusLine != tc.wantLine {
				t.Errorf("second response on the connection: %q, want %q", again.statusLine, tc.wantLine)
			}
		})
	}
}

func checkResponse(t *testing.T, resp rawResponse, wantLine string, wantHeader map[string]string, status int) {
	t.Helper()
	if resp.statusLine != wantLine {
		t.Errorf("status line %q, want %q", resp.statusLine, wantLine)
	}
	for name, want := range wantHeader {
		if got := resp.get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if resp.body != Page(status) {
		t.Errorf("body %q, want the %d page", resp.body, status)
	}
	if resp.get("Date") == "" {
		t.Errorf("no Date header")
	}
}

// TestWriteRawGolden pins the whole raw response, header order included (T28), Date masked.
func TestWriteRawGolden(t *testing.T) {
	t.Parallel()
	c, br := serve(t, true, func(wr Writer, w http.ResponseWriter, r *http.Request) {
		_ = wr.Error(w, r, &Error{Status: 503})
	})
	send(t, c, getReq)
	resp := readRaw(t, br, false)
	var b strings.Builder
	b.WriteString(resp.statusLine + "\r\n")
	for _, h := range resp.header {
		if strings.HasPrefix(h, "Date: ") {
			h = "Date: <masked>"
		}
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n" + resp.body)
	golden(t, "raw-503.txt", []byte(b.String()))
}

// TestWriteHead sends headers with the page's Content-Length but no body, on both paths.
func TestWriteHead(t *testing.T) {
	for _, status := range []int{503, 502} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, br := serve(t, true, func(wr Writer, w http.ResponseWriter, r *http.Request) {
				_ = wr.Error(w, r, &Error{Status: status})
			})
			send(t, c, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
			resp := readRaw(t, br, true)
			if want := len(Page(status)); resp.get("Content-Length") != strconv.Itoa(want) {
				t.Errorf("Content-Length %q, want %d", resp.get("Content-Length"), want)
			}
			send(t, c, getReq) // a body would be read here as garbage before this status line
			if again := readRaw(t, br, false); !strings.HasPrefix(again.statusLine, "HTTP/1.1 "+strconv.Itoa(status)) {
				t.Errorf("next response %q", again.statusLine)
			}
		})
	}
}

// TestWritePipelined closes instead of resuming when the next request is already buffered: it was
// read by net/http and cannot be handed back.
func TestWritePipelined(t *testing.T) {
	t.Parallel()
	c, br := serve(t, true, func(wr Writer, w http.ResponseWriter, r *http.Request) {
		_ = wr.Error(w, r, &Error{Status: 503})
	})
	send(t, c, getReq+getReq)
	resp := readRaw(t, br, false)
	if resp.get("Connection") != "close" {
		t.Errorf("Connection %q, want close", resp.get("Connection"))
	}
	expectEOF(t, br)
}

// TestWriteHTTP2 uses net/http's path: HTTP/2 has no reason phrase and no hijacking.
func TestWriteHTTP2(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = Writer{}.Error(w, r, &Error{Status: 463})
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{NextProtos: []string{"h2"}}
	srv.StartTLS()
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 || resp.StatusCode != 463 || string(body) != Page(463) {
		t.Errorf("got %s %d %q, want HTTP/2 463 with its page", resp.Proto, resp.StatusCode, body)
	}
	if resp.Header.Get("Server") != Server || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("headers %v", resp.Header)
	}
}

// TestWriteTLSRaw checks the raw path over an HTTPS listener speaking HTTP/1.1.
func TestWriteTLSRaw(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = Write(w, r, &Error{Status: 503}, true)
	}))
	defer srv.Close()
	c, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send(t, c, getReq)
	resp := readRaw(t, bufio.NewReader(c), false)
	if !regexp.MustCompile(`^HTTP/1\.1 503 Service Temporarily Unavailable$`).MatchString(resp.statusLine) {
		t.Errorf("status line %q", resp.statusLine)
	}
}
