package httptarget_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/httptarget"
)

// TestHeadersToTarget: what the target receives (HOP-01, XFF-01, XFP-01, HOST-01, TMO-04):
// hop-by-hop headers removed, X-Forwarded-For/-Proto/-Port and Host exactly as the router set
// them on the inbound request, no Accept-Encoding or User-Agent invented.
func TestHeadersToTarget(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 1)
	gotHost := make(chan string, 1)
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		gotHost <- r.Host
	})
	srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)
	rawDo(t, srv.Listener.Addr().String(), "GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\n"+
		"Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"+
		"Proxy-Authorization: Basic Zm9vOmJhcg==\r\nTe: gzip\r\nX-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n"+
		"X-Forwarded-Proto: https\r\nX-Forwarded-Port: 443\r\nX-End: kept\r\n\r\n")
	h, host := <-got, <-gotHost
	for _, name := range []string{"Connection", "X-Hop", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Te", "Accept-Encoding", "User-Agent"} {
		if v, ok := h[name]; ok {
			t.Errorf("target received %s: %q", name, v)
		}
	}
	want := map[string]string{"X-Forwarded-For": "203.0.113.7, 127.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443", "X-End": "kept"}
	for name, v := range want {
		if h.Get(name) != v || len(h.Values(name)) != 1 {
			t.Errorf("target received %s %q, want exactly %q", name, h.Values(name), v)
		}
	}
	if host != "example.com:8080" {
		t.Errorf("target Host %q, want the inbound Host example.com:8080", host)
	}
}

// TestHeadersToClient: hop-by-hop response headers are removed, everything else (Server too,
// HDR-RESP-02) passes through unchanged.
func TestHeadersToClient(t *testing.T) {
	t.Parallel()
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Connection", "X-Private")
		h.Set("X-Private", "1")
		h.Set("Keep-Alive", "timeout=99")
		h.Set("Proxy-Authenticate", "Basic")
		h.Set("Upgrade", "h2c")
		h.Set("Server", "openresty")
		h.Add("Set-Cookie", "a=1")
		h.Add("Set-Cookie", "b=2")
		_, _ = io.WriteString(w, "ok")
	})
	srv, exchanges := front(t, httptarget.New(httptarget.Options{}), addr)
	head, body := rawDo(t, srv.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	names := headerNames(head[1:])
	for _, name := range []string{"x-private", "keep-alive", "proxy-authenticate", "upgrade"} {
		if names[name] {
			t.Errorf("client received hop-by-hop %s: %q", name, head)
		}
	}
	joined := strings.Join(head, "\n")
	for _, line := range []string{"Server: openresty", "Set-Cookie: a=1", "Set-Cookie: b=2"} {
		if !strings.Contains(joined, line) {
			t.Errorf("client did not receive %q: %q", line, head)
		}
	}
	if head[0] != "HTTP/1.1 200 OK" || body != "ok" {
		t.Errorf("response %q %q", head[0], body)
	}
	if ex := <-exchanges; ex.TargetStatus != 200 || ex.Target != addr || ex.TargetResponded.IsZero() {
		t.Errorf("exchange target %q status %d", ex.Target, ex.TargetStatus)
	}
}

// TestCompressionPassesThrough: the proxy neither asks for gzip nor decodes it; the client's
// Accept-Encoding decides and compressed bytes arrive as the target sent them.
func TestCompressionPassesThrough(t *testing.T) {
	t.Parallel()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = io.WriteString(zw, strings.Repeat("compress me ", 100))
	_ = zw.Close()
	gotAE := make(chan []string, 2)
	addr, _ := target(t, func(w http.ResponseWriter, r *http.Request) {
		gotAE <- r.Header.Values("Accept-Encoding")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(zipped.Bytes())
	})
	srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ae := <-gotAE; len(ae) != 0 {
		t.Errorf("target received Accept-Encoding %q from a client that sent none", ae)
	}

	req.Header.Set("Accept-Encoding", "gzip")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ae := <-gotAE; len(ae) != 1 || ae[0] != "gzip" {
		t.Errorf("target received Accept-Encoding %q, want gzip", ae)
	}
	if !bytes.Equal(body, zipped.Bytes()) || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("body of %d bytes, Content-Encoding %q: want the target's %d gzip bytes untouched",
			len(body), resp.Header.Get("Content-Encoding"), zipped.Len())
	}
}
