package action

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// TestAnswersSettle: the actions that answer on the calling goroutine and keep nothing say so
// (Exchange.Settled), which lets the router reuse the request's memory; refusing a redirect
// (RDR-03's 507) leaves the answer to the router and says nothing.
func TestAnswersSettle(t *testing.T) {
	long := "/" + string(make([]byte, 8*1024))
	testCases := []struct {
		desc   string
		action Handler
		path   string
		want   bool
	}{
		{desc: "fixed response", action: NewFixedResponse(404, "text/plain", "no", false), path: "/", want: true},
		{desc: "redirect", action: NewRedirect(RedirectConfig{Protocol: "HTTPS"}, false), path: "/", want: true},
		{desc: "redirect too long", action: NewRedirect(RedirectConfig{Protocol: "HTTPS", Path: "/#{path}#{path}"}, false), path: long, want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			ex := &observe.Exchange{Protocol: "HTTP", ListenerPort: 80, RequestHost: "example.com"}
			r := httptest.NewRequest(http.MethodGet, "http://example.com/", nil)
			r.URL.Path = tc.path
			r = r.WithContext(observe.WithExchange(r.Context(), ex))
			err := tc.action.ServeHTTP(httptest.NewRecorder(), r)
			if (err == nil) != tc.want || ex.Settled != tc.want {
				t.Errorf("Settled %v (error %v); want %v", ex.Settled, err, tc.want)
			}
		})
	}
}
