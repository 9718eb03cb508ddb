// Command backend is the demo's stand-in for a server-based application: a plain HTTP server
// that says which instance answered and what it received.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	name := flag.String("name", "monolith", "instance name shown in answers")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"instance":          *name,
			"method":            r.Method,
			"uri":               r.RequestURI,
			"host":              r.Host,
			"x-forwarded-for":   r.Header.Get("X-Forwarded-For"),
			"x-forwarded-proto": r.Header.Get("X-Forwarded-Proto"),
			"x-forwarded-port":  r.Header.Get("X-Forwarded-Port"),
			"x-amzn-trace-id":   r.Header.Get("X-Amzn-Trace-Id"),
		})
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("backend %s listening on %s", *name, *addr)
	log.Fatal(srv.ListenAndServe())
}
