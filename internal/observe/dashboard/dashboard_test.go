package dashboard

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHandler: the page and its state at the documented paths, nothing but GET and HEAD.
func TestHandler(t *testing.T) {
	h := Handler(Sources{
		State:   func() any { return map[string]int{"n": 1} },
		History: func() any { return map[string]int{"h": 2} },
		Request: func(id string) (any, bool) { return map[string]string{"id": id}, id == "7" },
	})
	testCases := []struct {
		desc, method, path string
		status             int
		contentType, body  string
	}{
		{desc: "page", method: "GET", path: "/dashboard/", status: 200, contentType: "text/html; charset=utf-8", body: "<title>Albatross</title>"},
		{desc: "state", method: "GET", path: "/dashboard/state.json", status: 200, contentType: "application/json", body: `{"n":1}`},
		{desc: "history", method: "GET", path: "/dashboard/history.json", status: 200, contentType: "application/json", body: `{"h":2}`},
		{desc: "request kept", method: "GET", path: "/dashboard/request.json?id=7", status: 200, contentType: "application/json", body: `{"id":"7"}`},
		{desc: "request gone", method: "GET", path: "/dashboard/request.json?id=8", status: 404, body: "no such recent request"},
		{desc: "unknown data", method: "GET", path: "/dashboard/other.json", status: 404},
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

// TestPagesSelfContained: the page and the login load nothing from elsewhere (no CDN, no
// script, style or font file): their only URLs are the SVG namespace and their own relative
// data; the Content-Security-Policy would block anything else anyway.
func TestPagesSelfContained(t *testing.T) {
	for name, p := range map[string][]byte{"index.html": page, "login.html": loginPage} {
		rest := strings.ReplaceAll(string(p), `"http://www.w3.org/2000/svg"`, "")
		for _, ref := range []string{"http://", "https://", "//cdn", "<link", "<script src", "@import", "url("} {
			if strings.Contains(rest, ref) {
				t.Errorf("%s refers to %q", name, ref)
			}
		}
	}
}
