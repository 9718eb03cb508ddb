package router

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/rule"
)

// TestTransforms runs rule transforms through the pipeline: after routing (TRF-03), before the
// action, with the exchange fields of TRF-06, and 500 when a rewrite fails (TRF-04).
func TestTransforms(t *testing.T) {
	t.Parallel()
	rw := func(re, rep string) []rule.Rewrite { return []rule.Rewrite{{Regex: re, Replace: rep}} }
	testCases := []struct {
		desc                 string
		tf                   rule.Transforms
		host, target         string
		wantStatus           int
		wantHost, wantURI    string // as the action sees them
		wantPath, wantQuery  string
		exHost, exURI, exSts string
	}{
		{desc: "TRF-05 url rewrite reaches the action", tf: rule.Transforms{URL: rw(`^/dp/([A-Za-z0-9]+)/?$`, `/product.php?id=$1`)},
			host: "shop.example.com", target: "/dp/B42", wantStatus: 200, wantHost: "shop.example.com", wantURI: "/product.php?id=B42",
			wantPath: "/product.php", wantQuery: "id=B42", exURI: "/product.php?id=B42", exSts: TransformSucceeded},
		{desc: "TRF-05 host rewrite reaches the action", tf: rule.Transforms{HostHeader: rw(`^mywebsite-(.+)\.com$`, `internal.dev.$1.myweb.com`)},
			host: "mywebsite-eu.com", target: "/x?y=1", wantStatus: 200, wantHost: "internal.dev.eu.myweb.com", wantURI: "/x?y=1",
			wantPath: "/x", wantQuery: "y=1", exHost: "internal.dev.eu.myweb.com", exSts: TransformSucceeded},
		{desc: "TRF-04 no match forwards unchanged", tf: rule.Transforms{URL: rw(`^/nomatch$`, `/x`)},
			host: "a.example.com", target: "/p?q=1", wantStatus: 200, wantHost: "a.example.com", wantURI: "/p?q=1", wantPath: "/p", wantQuery: "q=1"},
		{desc: "TRF-04 failed rewrite is a 500", tf: rule.Transforms{URL: rw(`^/(.*)$`, `$1`)},
			host: "a.example.com", target: "/p", wantStatus: 500, exSts: TransformFailed},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			table, err := rule.NewTable([]rule.Rule{{Priority: 7, Transforms: tc.tf,
				Conditions: []rule.Condition{{Field: rule.FieldPathPattern, Values: []string{"/*"}}}}})
			if err != nil {
				t.Fatal(err)
			}
			var got *http.Request
			act := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { got = r; w.WriteHeader(200); return nil })
			rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, PreserveHost: true}, table, []Route{{Priority: 7, Action: act}}, answer(404, "default"))
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			r.Host = tc.host
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, r)
			ex := <-obs
			if w.Code != tc.wantStatus || ex.MatchedRulePriority != 7 {
				t.Fatalf("status %d priority %d, want %d 7", w.Code, ex.MatchedRulePriority, tc.wantStatus)
			}
			if ex.TransformedHost != tc.exHost || ex.TransformedURI != tc.exURI || ex.TransformStatus != tc.exSts || ex.RequestURI != tc.target {
				t.Errorf("exchange %q %q %q (request %q), want %q %q %q", ex.TransformedHost, ex.TransformedURI, ex.TransformStatus, ex.RequestURI, tc.exHost, tc.exURI, tc.exSts)
			}
			if tc.wantStatus != 200 {
				if got != nil || w.Body.String() != elberr.Page(500) {
					t.Errorf("action ran or wrong page: %q", w.Body.String())
				}
				return
			}
			if got.Host != tc.wantHost || got.RequestURI != tc.wantURI || got.URL.Path != tc.wantPath || got.URL.RawQuery != tc.wantQuery {
				t.Errorf("action saw host %q uri %q path %q query %q", got.Host, got.RequestURI, got.URL.Path, got.URL.RawQuery)
			}
		})
	}
}

// TestTransformsNotForDefaultRule: the default rule has no transforms (TRF-01).
func TestTransformsNotForDefaultRule(t *testing.T) {
	t.Parallel()
	table, err := rule.NewTable([]rule.Rule{{Priority: 1, Transforms: rule.Transforms{URL: []rule.Rewrite{{Regex: "^/", Replace: "/x/"}}},
		Conditions: []rule.Condition{{Field: rule.FieldPathPattern, Values: []string{"/only"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var uri string
	def := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { uri = r.RequestURI; return nil })
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, table, []Route{{Priority: 1, Action: answer(200, "")}}, def)
	rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/other", nil))
	if ex := <-obs; uri != "/other" || ex.TransformStatus != "" {
		t.Errorf("default rule saw %q, status %q", uri, ex.TransformStatus)
	}
}
