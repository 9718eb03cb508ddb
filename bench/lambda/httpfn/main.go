// Command httpfn is variant (a) of the function benchmark: the same handler logic as the Lambda
// function (hello.Respond), served as a plain Go HTTP server that Albatross proxies to as an
// instance target. The difference between the two variants behind Albatross is what running the
// logic as a function costs.
//
//	httpfn --addr 127.0.0.1:PORT
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address` (host:port)")
	flag.Parse()
	srv := &http.Server{
		Addr:              *addr,
		Handler:           http.HandlerFunc(serve),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "httpfn:", err)
		os.Exit(1)
	}
}

// serve answers with hello.Respond, setting Content-Length as the load balancer does for a
// function's response (LAM-25), so that both variants send the same bytes.
func serve(w http.ResponseWriter, r *http.Request) {
	a := hello.Respond(r.Method, r.URL.Path)
	h := w.Header()
	h.Set("Content-Type", hello.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(a.Body))
	}
}
