package dashboard

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHandler: the page and its state at the documented paths, nothing but GET and HEAD.
func TestHandler(t *testing.T) {
	h := Handler(func() any { return map[string]int{"n": 1} })
	testCases := []struct {
		desc, method, path string
		status             int
		contentType, body  string
	}{
		{desc: "page", method: "GET", path: "/dashboard/", status: 200, contentType: "text/html; charset=utf-8", body: "<title>Albatross</title>"},
		{desc: "state", method: "GET", path: "/dashboard/state.json", status: 200, contentType: "application/json", body: `{"n":1}`},
		{desc: "POST refused", method: "POST", path: "/dashboard/", status: 405, body: "method not allowed"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			if w.Code != tc.status || (tc.contentType != "" && w.Header().Get("Content-Type") != tc.contentType) || !strings.Contains(w.Body.String(), tc.body) {
				t.Errorf("%d %q %.80q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			if tc.status == 200 && w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
			}
		})
	}
}
