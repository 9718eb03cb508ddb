package router

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// TestInvalidHeaderNames covers DSY-03 and H2-01: names outside [-A-Za-z0-9]+ are removed before
// rules run when drop_invalid_header_fields is on or when the HTTPS listener applies HTTP/2's
// stricter validation (for HTTP/1.1 requests too), and forwarded otherwise; the exchange
// records which, for the Dropped-/ForwardedInvalidHeaderRequestCount metrics (§9).
func TestInvalidHeaderNames(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc        string
		settings    Settings
		http2       bool
		invalid     bool
		wantDropped bool
		want        observe.InvalidHeaders
	}{
		{desc: "DSY-03 off forwards", settings: Settings{Protocol: "HTTP", Port: 80}, invalid: true, want: observe.InvalidHeadersForwarded},
		{desc: "DSY-03 on drops", settings: Settings{Protocol: "HTTP", Port: 80, DropInvalidHeaders: true}, invalid: true,
			wantDropped: true, want: observe.InvalidHeadersDropped},
		{desc: "H2-01 drops on HTTP/1.1", settings: Settings{Protocol: "HTTPS", Port: 443, StrictHeaderNames: true}, invalid: true,
			wantDropped: true, want: observe.InvalidHeadersDropped},
		{desc: "H2-01 drops on HTTP/2", settings: Settings{Protocol: "HTTPS", Port: 443, StrictHeaderNames: true}, http2: true, invalid: true,
			wantDropped: true, want: observe.InvalidHeadersDropped},
		{desc: "H2-01 off (routing.http2.enabled=false) forwards", settings: Settings{Protocol: "HTTPS", Port: 443}, invalid: true,
			want: observe.InvalidHeadersForwarded},
		{desc: "valid names only, strict", settings: Settings{Protocol: "HTTPS", Port: 443, StrictHeaderNames: true, DropInvalidHeaders: true},
			want: observe.InvalidHeadersNone},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var seen http.Header
			m := matcherFunc(func(r *http.Request, _ netip.Addr) (int, int) { seen = r.Header.Clone(); return -1, 0 })
			rt, obs := newRouter(tc.settings, m, nil, answer(200, "ok"))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.http2 {
				r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
			}
			r.Header["X-Fine-9"] = []string{"1"}
			if tc.invalid {
				r.Header["X_under"] = []string{"2"}
			}
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, r)
			ex := <-obs
			if w.Code != http.StatusOK {
				t.Errorf("status %d; want 200: invalid names never reject a request", w.Code)
			}
			_, under := seen["X_under"]
			if _, fine := seen["X-Fine-9"]; !fine || under != (tc.invalid && !tc.wantDropped) {
				t.Errorf("rules saw X-Fine-9 %v, X_under %v; want true, %v", fine, under, tc.invalid && !tc.wantDropped)
			}
			if ex.InvalidHeaders != tc.want {
				t.Errorf("exchange InvalidHeaders %d; want %d", ex.InvalidHeaders, tc.want)
			}
		})
	}
}
