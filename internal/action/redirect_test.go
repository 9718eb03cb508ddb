package action

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

func strPtr(s string) *string { return &s }

// TestRedirectLocation covers every placeholder in every component it is allowed in (RDR-01,
// RDR-02), unset components keeping the original, and RDR-04's explicit port and lowercase
// scheme and host.
func TestRedirectLocation(t *testing.T) {
	origin := Origin{Protocol: "HTTP", Host: "ex.com", Port: 8080, Path: "/a/b", RawQuery: "c=d"}
	testCases := []struct {
		desc   string
		config RedirectConfig
		origin Origin
		want   string
	}{
		{desc: "T26 exact", config: RedirectConfig{Protocol: "HTTPS", Port: "443", Host: "#{host}", Path: "/#{path}", Query: strPtr("#{query}"), Permanent: true},
			origin: Origin{Protocol: "HTTP", Host: "ex.com", Port: 80, Path: "/a/b", RawQuery: "c=d"},
			want:   "https://ex.com:443/a/b?c=d"},
		{desc: "all unset keeps every original component, port explicit (RDR-01, RDR-04)", config: RedirectConfig{},
			origin: origin, want: "http://ex.com:8080/a/b?c=d"},
		{desc: "protocol only: the original port stays", config: RedirectConfig{Protocol: "HTTPS"},
			origin: origin, want: "https://ex.com:8080/a/b?c=d"},
		{desc: "placeholder #{protocol} in protocol", config: RedirectConfig{Protocol: "#{protocol}", Port: "9000"},
			origin: Origin{Protocol: "HTTPS", Host: "ex.com", Port: 443, Path: "/", RawQuery: ""}, want: "https://ex.com:9000/"},
		{desc: "#{path} expands without its leading slash (RDR-02)", config: RedirectConfig{Path: "/new/#{path}"},
			origin: origin, want: "http://ex.com:8080/new/a/b?c=d"},
		{desc: "#{path} alone loses the slash", config: RedirectConfig{Path: "/x#{path}"},
			origin: origin, want: "http://ex.com:8080/xa/b?c=d"},
		{desc: "#{host} and #{port} in path", config: RedirectConfig{Path: "/#{host}/#{port}/#{path}"},
			origin: origin, want: "http://ex.com:8080/ex.com/8080/a/b?c=d"},
		{desc: "every placeholder in the query", config: RedirectConfig{Query: strPtr("p=#{protocol}&h=#{host}&o=#{port}&a=#{path}&q=#{query}")},
			origin: origin, want: "http://ex.com:8080/a/b?p=http&h=ex.com&o=8080&a=a/b&q=c=d"},
		{desc: "query \"\" drops the query", config: RedirectConfig{Query: strPtr("")},
			origin: origin, want: "http://ex.com:8080/a/b"},
		{desc: "#{query} of an empty query adds no ?", config: RedirectConfig{Query: strPtr("#{query}")},
			origin: Origin{Protocol: "HTTP", Host: "ex.com", Port: 80, Path: "/"}, want: "http://ex.com:80/"},
		{desc: "literal query replaces the original", config: RedirectConfig{Query: strPtr("x=1")},
			origin: origin, want: "http://ex.com:8080/a/b?x=1"},
		{desc: "configured host is lowercased (RDR-04)", config: RedirectConfig{Host: "WWW.Example.COM"},
			origin: origin, want: "http://www.example.com:8080/a/b?c=d"},
		{desc: "host placeholder with more text", config: RedirectConfig{Host: "www.#{host}"},
			origin: origin, want: "http://www.ex.com:8080/a/b?c=d"},
		{desc: "port placeholder in port", config: RedirectConfig{Port: "#{port}", Protocol: "HTTPS"},
			origin: origin, want: "https://ex.com:8080/a/b?c=d"},
		{desc: "path keeps its case and escapes", config: RedirectConfig{Path: "/New/#{path}"},
			origin: Origin{Protocol: "HTTP", Host: "ex.com", Port: 80, Path: "/A%20B/C"}, want: "http://ex.com:80/New/A%20B/C"},
		{desc: "a placeholder in the request is not expanded again", config: RedirectConfig{},
			origin: Origin{Protocol: "HTTP", Host: "ex.com", Port: 80, Path: "/%23%7Bhost%7D", RawQuery: "v=#{host}"},
			want:   "http://ex.com:80/%23%7Bhost%7D?v=#{host}"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := NewRedirect(tc.config, true).Location(tc.origin); got != tc.want {
				t.Errorf("Location = %q, want %q", got, tc.want)
			}
		})
	}
}

// exchangeHandler serves h with an exchange record as the router would fill it, and reports
// the exchange and any error h returned.
func exchangeHandler(h Handler, port int, got chan<- *observe.Exchange) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := &observe.Exchange{Protocol: "HTTP", ListenerPort: port, RequestHost: strings.ToLower(strings.Split(r.Host, ":")[0])}
		r = r.WithContext(observe.WithExchange(r.Context(), ex))
		if err := h.ServeHTTP(w, r); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				e = &elberr.Error{Status: 500}
			}
			_ = elberr.Write(w, r, e, true)
		}
		got <- ex
	})
}

// rawExchange sends req on a fresh TCP connection to srv and returns the status line, the
// headers and the body exactly as received (the server closes the connection after raw pages).
func rawExchange(t *testing.T, addr, req string) (statusLine string, header http.Header, body string) {
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
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("status line: %v", err)
	}
	header = http.Header{}
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("headers: %v", err)
		}
		if l == "\r\n" {
			break
		}
		k, v, _ := strings.Cut(strings.TrimSuffix(l, "\r\n"), ": ")
		header.Add(k, v)
	}
	if strings.HasPrefix(req, "HEAD ") {
		return strings.TrimSuffix(line, "\r\n"), header, ""
	}
	n, err := strconv.Atoi(header.Get("Content-Length"))
	if err != nil {
		t.Fatalf("Content-Length %q", header.Get("Content-Length"))
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		t.Fatalf("body: %v", err)
	}
	return strings.TrimSuffix(line, "\r\n"), header, string(b)
}

// TestRedirectOnTheWire reads redirects off the socket: the nginx phrase on the status line,
// Server, Content-Type, the ERR-BODY page, Location, and the exchange record (RDR-04, RDR-05,
// T26).
func TestRedirectOnTheWire(t *testing.T) {
	testCases := []struct {
		desc      string
		config    RedirectConfig
		req       string
		wantLine  string
		wantLoc   string
		wantLen   string
		wantBody  bool
		wantRedir bool
	}{
		{desc: "T26 301", config: RedirectConfig{Protocol: "HTTPS", Port: "443", Host: "#{host}", Path: "/#{path}", Query: strPtr("#{query}"), Permanent: true},
			req: "GET /a/b?c=d HTTP/1.1\r\nHost: Ex.com\r\n\r\n", wantLine: "HTTP/1.1 301 Moved Permanently",
			wantLoc: "https://ex.com:443/a/b?c=d", wantLen: "134", wantBody: true, wantRedir: true},
		{desc: "302 Moved Temporarily (RDR-04)", config: RedirectConfig{Protocol: "HTTPS"},
			req: "GET /x HTTP/1.1\r\nHost: ex.com\r\n\r\n", wantLine: "HTTP/1.1 302 Moved Temporarily",
			wantLoc: "https://ex.com:80/x", wantLen: strconv.Itoa(len(elberr.Page(302))), wantBody: true, wantRedir: true},
		{desc: "HEAD gets the headers only", config: RedirectConfig{Protocol: "HTTPS", Permanent: true},
			req: "HEAD /x HTTP/1.1\r\nHost: ex.com\r\n\r\n", wantLine: "HTTP/1.1 301 Moved Permanently",
			wantLoc: "https://ex.com:80/x", wantLen: "134", wantRedir: true},
		{desc: "RDR-05 Location over 8 K is not sent: 507", config: RedirectConfig{Protocol: "HTTPS"},
			req:      "GET /" + strings.Repeat("a", 8<<10) + " HTTP/1.1\r\nHost: ex.com\r\n\r\n",
			wantLine: "HTTP/1.1 507 Insufficient Storage", wantLen: strconv.Itoa(len(elberr.Page(507))), wantBody: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := make(chan *observe.Exchange, 1)
			srv := httptest.NewServer(exchangeHandler(NewRedirect(tc.config, true), 80, got))
			defer srv.Close()
			line, h, body := rawExchange(t, srv.Listener.Addr().String(), tc.req)
			if line != tc.wantLine {
				t.Errorf("status line %q, want %q", line, tc.wantLine)
			}
			if h.Get("Location") != tc.wantLoc {
				t.Errorf("Location %q, want %q", h.Get("Location"), tc.wantLoc)
			}
			if h.Get("Server") != "awselb/2.0" || h.Get("Content-Type") != "text/html" || h.Get("Content-Length") != tc.wantLen {
				t.Errorf("headers %v, want Server awselb/2.0, text/html, length %s", h, tc.wantLen)
			}
			status, _ := strconv.Atoi(strings.Fields(line)[1])
			if tc.wantBody && body != elberr.Page(status) {
				t.Errorf("body %q, want the ERR-BODY page of %d", body, status)
			}
			ex := <-got
			if tc.wantRedir != (ex.RedirectURL == tc.wantLoc && len(ex.ActionsExecuted) == 1 && ex.ActionsExecuted[0] == NameRedirect) {
				t.Errorf("exchange redirect_url %q actions %v", ex.RedirectURL, ex.ActionsExecuted)
			}
		})
	}
}

// TestRedirectLimitBoundary pins RDR-05's boundary: exactly 8192 bytes is sent, one more is 507.
func TestRedirectLimitBoundary(t *testing.T) {
	t.Parallel()
	rd := NewRedirect(RedirectConfig{}, true)
	prefix := len("http://h:80")
	for _, tc := range []struct {
		length int
		want   int
	}{{8 << 10, http.StatusFound}, {8<<10 + 1, http.StatusInsufficientStorage}} {
		path := "/" + strings.Repeat("p", tc.length-prefix-1)
		r := httptest.NewRequest(http.MethodGet, path, nil)
		ex := &observe.Exchange{Protocol: "HTTP", RequestHost: "h", ListenerPort: 80}
		r = r.WithContext(observe.WithExchange(context.Background(), ex))
		w := httptest.NewRecorder()
		status := http.StatusFound
		if err := rd.ServeHTTP(w, r); err != nil {
			status = err.(*elberr.Error).Status
		}
		if status != tc.want {
			t.Errorf("Location of %d bytes: status %d, want %d", tc.length, status, tc.want)
		}
		if status == http.StatusFound && len(w.Header().Get("Location")) != tc.length {
			t.Errorf("Location length %d, want %d", len(w.Header().Get("Location")), tc.length)
		}
	}
}
