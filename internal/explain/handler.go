package explain

import (
	"io"
	"net/http"

	"github.com/albatross-lb/albatross/internal/config"
)

// maxExplainBody bounds the body an explain request may carry (the Lambda limit, LAM-03).
const maxExplainBody = 1 << 20

// Handler serves `albatross explain` for the configuration served, which served returns (nil
// before any), on the API address:
//
//	GET|POST /explain?method=GET&url=http://host:8080/path&header=Name:+value&source_ip=10.0.0.1[&compact=true]
//
// with the request body of a POST as the explained request's body. It answers text/plain, 400
// for a malformed request and 404 when no listener has the URL's port.
func Handler(served func() *config.Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxExplainBody))
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		in := Input{Method: q.Get("method"), URL: q.Get("url"), Headers: q["header"], SourceIP: q.Get("source_ip"), Body: string(body)}
		if in.Method == "" {
			in.Method = http.MethodGet
		}
		req, port, err := in.Request()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		cfg := served()
		if cfg == nil {
			cfg = &config.Config{}
		}
		ex, err := Explain(cfg, req, port)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_ = ex.WriteText(w, q.Get("compact") != "true")
	})
}
