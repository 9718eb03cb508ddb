package httptarget_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/h1/wire"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
)

// TestReceivedNamesToHTTP1Target (H2-05, issue 14): a request that came through the HTTP/1.1
// connection loop reaches an HTTP1 target with its fields under the client's spelling and in the
// client's order; everything else is what the target got before: fields removed by the load
// balancer or the loop stay removed, fields the load balancer set or changed are written in
// canonical form after the client's, Host is the request's final host.
func TestReceivedNamesToHTTP1Target(t *testing.T) {
	t.Parallel()
	heads := make(chan []string, 1)
	addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
		var lines []string
		for {
			line, err := br.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
			lines = append(lines, strings.TrimSuffix(line, "\r\n"))
		}
		heads <- lines
		_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
	})
	p := httptarget.New(httptarget.Options{})
	t.Cleanup(p.Close)

	cases := []struct {
		desc   string
		fields string
		proto  int // the client's major version: 2 stands for an HTTP/2 client
		// change applies what the router and actions do to the request.
		change func(r *http.Request)
		want   []string
	}{
		{desc: "spelling and order", fields: "x-custom: 1\r\nX-MiXeD-Case: 2\r\nuser-agent: t\r\nAccept: */*\r\n",
			want: []string{"x-custom: 1", "X-MiXeD-Case: 2", "user-agent: t", "Accept: */*"}},
		{desc: "repeated names take the first spelling, at the first one's place", fields: "x-a: 1\r\nB: 2\r\nX-A: 3\r\n",
			want: []string{"x-a: 1", "x-a: 3", "B: 2"}},
		{desc: "hop-by-hop fields stay removed", fields: "connection: x-hop\r\nx-hop: s\r\nkeep-alive: 5\r\nproxy-connection: k\r\nte: trailers\r\nx-k: 1\r\n",
			want: []string{"x-k: 1", "Te: trailers"}},
		{desc: "fields the load balancer set or replaced are its own, canonical, after the client's",
			fields: "x-forwarded-for: 203.0.113.7\r\nx-amzn-trace-id: Root=1-63441c4a-abcdef012345678912345678\r\nz: 1\r\n",
			change: func(r *http.Request) {
				r.Header["X-Forwarded-For"] = []string{"203.0.113.7, 127.0.0.1"}
				r.Header["X-Amzn-Trace-Id"] = []string{"Self=1-63441c4a-000000000000000000000001;Root=1-63441c4a-abcdef012345678912345678"}
				r.Header["X-Forwarded-Proto"] = []string{"http"}
				r.Header["X-Forwarded-Port"] = []string{"80"}
			},
			want: []string{"z: 1", "X-Amzn-Trace-Id: Self=1-63441c4a-000000000000000000000001;Root=1-63441c4a-abcdef012345678912345678",
				"X-Forwarded-For: 203.0.113.7, 127.0.0.1", "X-Forwarded-Port: 80", "X-Forwarded-Proto: http"}},
		{desc: "a value appended to a repeated field makes the field the load balancer's", fields: "x-r: 1\r\nx-r: 2\r\n",
			change: func(r *http.Request) { r.Header.Add("X-R", "3") },
			want:   []string{"X-R: 1", "X-R: 2", "X-R: 3"}},
		{desc: "a field whose first value the load balancer removed is its own", fields: "x-r: 1\r\nx-r: 2\r\n",
			change: func(r *http.Request) { r.Header["X-R"] = []string{"2"} },
			want:   []string{"X-R: 2"}},
		{desc: "a field forwarded untouched keeps its spelling (X-Forwarded-For preserve mode)", fields: "x-forwarded-for: 203.0.113.7\r\n",
			want: []string{"x-forwarded-for: 203.0.113.7"}},
		{desc: "removed fields stay removed (DSY-03, Expect)", fields: "x_under: 1\r\nexpect: 100-continue\r\nx-ok: 1\r\n",
			change: func(r *http.Request) { delete(r.Header, "X_under"); delete(r.Header, "Expect") },
			want:   []string{"x-ok: 1"}},
		{desc: "fields the loop did not hand on lend no spelling", fields: "X-Dropped : 1\r\nx-dropped: 2\r\n",
			want: []string{"x-dropped: 2"}},
		{desc: "a rewritten Host is the request's, canonical, first", fields: "x-b: 1\r\n",
			change: func(r *http.Request) { r.Host = "rewritten.example" },
			want:   []string{"x-b: 1"}},
		{desc: "forwarding fields the client did not send come after its own", fields: "x-b: 1\r\n",
			change: func(r *http.Request) { r.Header["X-Forwarded-For"] = []string{"127.0.0.1"} },
			want:   []string{"x-b: 1", "X-Forwarded-For: 127.0.0.1"}},
		{desc: "a head of more keys than are compared in turn (the map's lookup)", fields: manyFields(20) + "x-forwarded-for: 203.0.113.7\r\n",
			change: func(r *http.Request) { r.Header["X-F05"] = []string{"changed"} },
			want:   append(slices.Delete(manyFieldLines(20), 5, 6), "x-forwarded-for: 203.0.113.7", "X-F05: changed")},
		{desc: "an HTTP/2 client's fields stay lowercase, sorted, but those H2-05 re-cases", fields: "x-custom: 1\r\nX-MiXeD-Case: 2\r\na-first: 3\r\nupgrade: websocket\r\n", proto: 2,
			change: func(r *http.Request) {
				r.Header["X-Forwarded-For"] = []string{"127.0.0.1"}
				r.Header["X-Forwarded-Proto"] = []string{"https"}
				r.Header["X-Forwarded-Port"] = []string{"443"}
				r.Header["X-Amzn-Trace-Id"] = []string{"Root=1-63441c4a-abcdef012345678912345678"}
				r.Header["X-Amzn-Oidc-Identity"] = []string{"alice"}
			},
			want: []string{"a-first: 3", "x-amzn-oidc-identity: alice", "x-custom: 1", "x-mixed-case: 2",
				"X-Amzn-Trace-Id: Root=1-63441c4a-abcdef012345678912345678", "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Port: 443", "X-Forwarded-Proto: https"}},
	}
	for _, tc := range cases {
		raw := []byte("GET /p HTTP/1.1\r\nhost: a.example\r\n" + tc.fields + "\r\n")
		var head wire.Head
		if _, err := head.Parse(raw); err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		r := requestFrom(t, &head)
		if tc.proto == 2 {
			r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
		}
		r = r.WithContext(wire.WithReceived(observe.WithExchange(r.Context(), &observe.Exchange{}), &wire.Received{Head: &head}))
		if tc.change != nil {
			tc.change(r)
		}
		host := r.Host
		if err := p.Serve(httptest.NewRecorder(), r, addr); err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		got := <-heads
		want := append([]string{"GET /p HTTP/1.1", "Host: " + host}, tc.want...)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the target received\n%s\nwant\n%s", tc.desc, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// manyFields is n fields spelt in lowercase, x-f00 to x-f(n-1); manyFieldLines is how a
// target receives them untouched.
func manyFields(n int) string { return strings.Join(manyFieldLines(n), "\r\n") + "\r\n" }

func manyFieldLines(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("x-f%02d: %d", i, i)
	}
	return lines
}

// TestNoReceivedHeadStaysCanonical: an HTTP/1.x request without a raw head (the net/http
// fallback, a shadow copy) is forwarded canonically and sorted, as before issue 14.
func TestNoReceivedHeadStaysCanonical(t *testing.T) {
	t.Parallel()
	heads := make(chan string, 1)
	addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
		var b strings.Builder
		for {
			line, err := br.ReadString('\n')
			b.WriteString(line)
			if err != nil || line == "\r\n" {
				break
			}
		}
		heads <- b.String()
		_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
	})
	p := httptarget.New(httptarget.Options{})
	t.Cleanup(p.Close)
	r := httptest.NewRequest(http.MethodGet, "http://a.example/p", nil)
	r.Header = http.Header{"X-Mixed-Case": {"2"}, "X-Custom": {"1"}}
	r = r.WithContext(observe.WithExchange(r.Context(), &observe.Exchange{}))
	if err := p.Serve(httptest.NewRecorder(), r, addr); err != nil {
		t.Fatal(err)
	}
	if got, want := <-heads, "GET /p HTTP/1.1\r\nHost: a.example\r\nX-Custom: 1\r\nX-Mixed-Case: 2\r\n\r\n"; got != want {
		t.Errorf("the target received %q, want %q", got, want)
	}
}

// requestFrom builds the *http.Request the connection loop hands the router for h: canonical
// keys, Host out of the header, the fields the loop does not hand on (names that are not
// tokens, lines without a colon) left out.
func requestFrom(t *testing.T, h *wire.Head) *http.Request {
	t.Helper()
	r := httptest.NewRequest(string(h.Method), string(h.Target), nil)
	r.Header = http.Header{}
	for _, f := range h.Fields {
		if len(f.Name) == 0 || f.Flags&(wire.FieldNoColon|wire.FieldNameNotToken) != 0 {
			continue
		}
		if strings.EqualFold(string(f.Name), "Host") {
			r.Host = string(f.Value)
			continue
		}
		r.Header.Add(string(f.Name), string(f.Value))
	}
	return r
}
