// Command backend is the benchmark's target: a small HTTP server that answers every request with
// a short fixed body, so that what the benchmark measures is the proxy in front of it.
//
//	backend --addr 127.0.0.1:PORT
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"
)

// body is what every request gets back: small enough that the proxy's per-request work, not
// copying, dominates the measurement.
const body = "hello from the albatross benchmark backend\n"

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address` (host:port)")
	flag.Parse()
	srv := &http.Server{
		Addr:              *addr,
		Handler:           http.HandlerFunc(answer),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

// contentLength is set explicitly so net/http does not have to buffer to find it.
var contentLength = []string{strconv.Itoa(len(body))}

func answer(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = []string{"text/plain; charset=utf-8"}
	h["Content-Length"] = contentLength
	if _, err := w.Write([]byte(body)); err != nil {
		log.Printf("backend: write: %v", err)
	}
}
