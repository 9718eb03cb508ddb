package httptarget_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/httptarget"
)

// TestSettled: the proxy tells the router it may reuse the request's memory (Exchange.Settled)
// only when nothing it started can still hold the request: an HTTP/1.1 exchange without a body,
// which the client runs on the calling goroutine. A body may still be on its way on the client's
// body pump, and http.Transport (HTTP2 groups) keeps goroutines of its own.
func TestSettled(t *testing.T) {
	testCases := []struct {
		desc   string
		opts   httptarget.Options
		kind   targetKind
		method string
		body   string
		want   bool
	}{
		{desc: "HTTP1 GET", kind: plainHTTP1, method: http.MethodGet, want: true},
		{desc: "HTTP1 POST with a body", kind: plainHTTP1, method: http.MethodPost, body: "payload", want: false},
		{desc: "HTTP2 GET", opts: httptarget.Options{HTTP2: true}, kind: plainH2C, method: http.MethodGet, want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			addr, _ := kindTarget(t, tc.kind, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				_, _ = io.WriteString(w, "ok")
			})
			srv, exchanges := front(t, httptarget.New(tc.opts), addr)
			req, err := http.NewRequest(tc.method, srv.URL+"/", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.body == "" {
				req.Body = http.NoBody
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ex := <-exchanges
			if resp.StatusCode != http.StatusOK || ex.Settled != tc.want {
				t.Errorf("status %d, Settled %v; want 200, %v", resp.StatusCode, ex.Settled, tc.want)
			}
		})
	}
}
