// Package dashboard serves Albatross's live web page: plain HTML, CSS and a little JavaScript
// embedded in the binary (no build step, no CDN) that polls JSON data and draws its charts as
// inline SVG.
package dashboard

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
)

//go:embed index.html
var page []byte

// Sources are the page's data. Each is called once per poll and must be safe for concurrent
// use.
type Sources struct {
	// State is the configuration, counters and recent requests, polled every second.
	State func() any
	// History is the charts' data, polled every 5 seconds; nil serves 404.
	History func() any
	// Request is the detail of the recent request numbered id, false when it is no longer
	// kept; nil serves 404.
	Request func(id string) (any, bool)
}

// Handler serves the page at any path not ending in ".json", and at paths ending in
// "state.json", "history.json" and "request.json?id=N" the sources' data; mount it under a
// prefix such as /dashboard/ (the page fetches its data relative to itself).
func Handler(src Sources) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case strings.HasSuffix(r.URL.Path, "state.json"):
			writeJSON(w, src.State())
		case strings.HasSuffix(r.URL.Path, "history.json") && src.History != nil:
			writeJSON(w, src.History())
		case strings.HasSuffix(r.URL.Path, "request.json") && src.Request != nil:
			v, ok := src.Request(r.URL.Query().Get("id"))
			if !ok {
				http.Error(w, "no such recent request (only the last requests are kept)", http.StatusNotFound)
				return
			}
			writeJSON(w, v)
		case strings.HasSuffix(r.URL.Path, ".json"):
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'")
			_, _ = w.Write(page)
		}
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
