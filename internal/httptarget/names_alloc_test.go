package httptarget

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// TestReceivedNamesAllocations: joining a head whose names are spelt canonically allocates
// nothing once the scratch has grown; each other spelling costs one string.
func TestReceivedNamesAllocations(t *testing.T) {
	cases := []struct {
		fields string
		want   float64
	}{
		{"User-Agent: curl/8\r\nAccept: */*\r\nX-Custom: 1\r\n", 0},
		{"user-agent: curl/8\r\nAccept: */*\r\nX-MiXeD-Case: 1\r\n", 2},
	}
	for _, tc := range cases {
		raw := []byte("GET / HTTP/1.1\r\nHost: a\r\n" + tc.fields + "\r\n")
		var head wire.Head
		if _, err := head.Parse(raw); err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header = http.Header{}
		for _, f := range head.Fields[1:] {
			r.Header.Add(string(f.Name), string(f.Value))
		}
		r = r.WithContext(wire.WithReceived(r.Context(), &wire.Received{Head: &head}))
		s := new(nameScratch)
		if got := len(receivedNames(r, s)); got != 3 {
			t.Fatalf("%q: %d names, want 3", tc.fields, got)
		}
		s.reset()
		got := testing.AllocsPerRun(100, func() {
			receivedNames(r, s)
			s.reset()
		})
		if got != tc.want {
			t.Errorf("%q: %.0f allocations, want %.0f", tc.fields, got, tc.want)
		}
	}
}

// BenchmarkReceivedNames joins the head of a typical API client (a few fields) with the header
// the router made of it (the client's fields and the four the load balancer adds).
func BenchmarkReceivedNames(b *testing.B) {
	raw := []byte("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\nAccept: */*\r\nX-Custom: 1\r\n\r\n")
	var head wire.Head
	if _, err := head.Parse(raw); err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header = http.Header{}
	for _, f := range head.Fields[1:] {
		r.Header.Add(string(f.Name), string(f.Value))
	}
	for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id"} {
		r.Header.Set(k, "v")
	}
	r = r.WithContext(wire.WithReceived(r.Context(), &wire.Received{Head: &head}))
	s := new(nameScratch)
	for b.Loop() {
		receivedNames(r, s)
		s.reset()
	}
}
