// Command backend is the benchmark's target: a small HTTP server that answers every request with
// a short fixed body, so that what the benchmark measures is the proxy in front of it. A query
// `size=N` (bench/run.sh --size) asks for a body of N bytes instead (at most 16 MiB), to measure
// how proxies copy bodies. A request body is read to its end first.
//
//	backend --addr 127.0.0.1:PORT
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
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

// maxSize bounds the bodies the size query may ask for.
const maxSize = 16 << 20

// sized holds the bodies asked for by size, made once each.
var sized sync.Map // int → []byte

func sizedBody(n int) []byte {
	if b, ok := sized.Load(n); ok {
		return b.([]byte)
	}
	b := bytes.Repeat([]byte("a"), n)
	sized.Store(n, b)
	return b
}

func answer(w http.ResponseWriter, r *http.Request) {
	// A request body (bench/run.sh --request-body) is read to its end before answering, behind
	// every proxy alike: the proxy must deliver all of it, and net/http would otherwise close
	// the connection after an unread body over 256 KiB.
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, "body: "+err.Error(), http.StatusBadRequest)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"text/plain; charset=utf-8"}
	if q := r.URL.RawQuery; strings.HasPrefix(q, "size=") {
		n, err := strconv.Atoi(q[len("size="):])
		if err != nil || n < 0 || n > maxSize {
			http.Error(w, "size: 0 to 16777216 bytes", http.StatusBadRequest)
			return
		}
		h["Content-Length"] = []string{strconv.Itoa(n)}
		if _, err := w.Write(sizedBody(n)); err != nil {
			log.Printf("backend: write: %v", err)
		}
		return
	}
	h["Content-Length"] = contentLength
	if _, err := w.Write([]byte(body)); err != nil {
		log.Printf("backend: write: %v", err)
	}
}
