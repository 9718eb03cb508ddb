package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

//go:embed templates/*.html
var templateFS embed.FS

var funcs = template.FuncMap{
	"price": func(cents int) string { return fmt.Sprintf("€%d.%02d", cents/100, cents%100) },
	"when":  func(t time.Time) string { return t.Format("Mon 2 Jan, 15:04") },
}

// pages holds one template per page, each the layout plus the page's content block.
var pages = func() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	m := map[string]*template.Template{}
	for _, p := range []string{"events", "event", "checkout", "confirmation", "notfound"} {
		m[p] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p+".html"))
	}
	return m
}()

// site is one instance of the monolith.
type site struct {
	name string
	cat  *catalog.Catalog
	now  func() time.Time
}

func newSite(name string, now func() time.Time) *site {
	return &site{name: name, cat: catalog.New(now()), now: now}
}

// routes returns the monolith's handler. Every answer carries X-Instance.
func (s *site) routes(logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /{$}", s.events)
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /events/{id}", s.event)
	mux.HandleFunc("GET /api/events", s.apiEvents)
	mux.HandleFunc("GET /checkout", s.checkoutForm)
	mux.HandleFunc("POST /checkout", s.checkout)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Instance", s.name)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		logger.Info("request", "method", r.Method, "uri", r.RequestURI, "status", rec.status,
			"x_forwarded_for", r.Header.Get("X-Forwarded-For"))
	})
}

// view is what every page template receives.
type view struct {
	Instance string
	Path     string
	Data     any
}

// render executes a page into a buffer first, so a template error becomes a clean 500 instead of a
// half-written page.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := pages[page].ExecuteTemplate(&buf, "layout.html", view{Instance: s.name, Path: r.URL.Path, Data: data}); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *site) events(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "events", s.cat.Events())
}

func (s *site) event(w http.ResponseWriter, r *http.Request) {
	e, ok := s.cat.Event(r.PathValue("id"))
	if !ok {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
		return
	}
	s.render(w, r, http.StatusOK, "event", map[string]any{"Event": e, "Seats": s.cat.SeatMap(e)})
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

var errNoEvent = errors.New("choose an event")
