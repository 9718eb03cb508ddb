// Package dashboard serves Albatross's live web page: plain HTML, CSS and a little JavaScript
// embedded in the binary (no build step, no CDN) that polls a JSON state every second.
package dashboard

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
)

//go:embed index.html
var page []byte

// Handler serves the page at any path not ending in "state.json", and state() as JSON at paths
// that do; mount it under a prefix such as /dashboard/ (the page fetches "state.json" relative
// to itself). state is called once per poll and must be safe for concurrent use.
func Handler(state func() any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasSuffix(r.URL.Path, "state.json") {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(state())
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'")
		_, _ = w.Write(page)
	})
}
