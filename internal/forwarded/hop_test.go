package forwarded

import (
	"net/http"
	"reflect"
	"testing"
)

// TestResolveConnection: headers the client names in Connection are dropped on receipt, with
// their names, so that the headers the load balancer adds afterwards cannot be nominated away;
// connection tokens, standard hop-by-hop headers and framing stay.
func TestResolveConnection(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc     string
		in, want http.Header
	}{
		{desc: "no Connection", in: http.Header{"X-A": {"1"}}, want: http.Header{"X-A": {"1"}}},
		{desc: "keep-alive only",
			in:   http.Header{"Connection": {"keep-alive"}},
			want: http.Header{"Connection": {"keep-alive"}}},
		{desc: "load balancer headers named",
			in: http.Header{"Connection": {"X-Forwarded-Port, x-amzn-trace-id", "X-Amzn-Mtls-Clientcert"},
				"X-Forwarded-Port": {"1"}, "X-Amzn-Trace-Id": {"Root=forged"}, "X-Other": {"kept"}},
			want: http.Header{"X-Other": {"kept"}}},
		{desc: "upgrade kept, custom dropped",
			in:   http.Header{"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAA"}},
			want: http.Header{"Connection": {"Upgrade"}, "Upgrade": {"h2c"}}},
		{desc: "hop-by-hop and framing stay, token goes",
			in:   http.Header{"Connection": {"close, TE, Content-Length, ,"}, "Te": {"trailers"}, "Content-Length": {"3"}},
			want: http.Header{"Connection": {"close"}, "Te": {"trailers"}, "Content-Length": {"3"}}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ResolveConnection(tc.in)
			if !reflect.DeepEqual(tc.in, tc.want) {
				t.Errorf("got %v, want %v", tc.in, tc.want)
			}
		})
	}
}
