// Command leanproxy is an experiment of the benchmark, not a product: a net/http server in front
// of a minimal HTTP/1.1 forwarder that writes the request and reads the response on the handler's
// own goroutine over a pooled keep-alive connection — no http.Transport, so none of its readLoop
// and writeLoop goroutines, channel hand-offs, per-request timers or request clones. It measures
// how much of a Go proxy's CPU is http.Transport's design (compare the tunedproxy row). It handles
// only what the benchmark sends: no upgrades, 1xx responses, trailers or request bodies of unknown
// length.
//
// With --reverseproxy the same forwarder is the Transport of an httputil.ReverseProxy, which
// keeps header hygiene, streaming and trailers with the standard library: the cost of keeping
// ReverseProxy while dropping http.Transport.
//
//	leanproxy --addr 127.0.0.1:PORT --target 127.0.0.1:PORT [--reverseproxy]
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"strconv"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address` (host:port)")
	target := flag.String("target", "", "backend `host:port`")
	withRP := flag.Bool("reverseproxy", false, "serve through httputil.ReverseProxy with the forwarder as its Transport")
	flag.Parse()
	if *target == "" {
		fmt.Fprintln(os.Stderr, "leanproxy: --target host:port is required")
		os.Exit(2)
	}
	f := &forwarder{target: *target}
	var h http.Handler = f
	if *withRP {
		h = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetXForwarded()
				pr.Out.URL.Scheme, pr.Out.URL.Host = "http", *target
			},
			Transport:  transport{f},
			BufferPool: &bufferPool{},
		}
	}
	if err := http.ListenAndServe(*addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "leanproxy:", err)
		os.Exit(1)
	}
}

// backendConn is one keep-alive connection to the backend with its buffers.
type backendConn struct {
	net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

// forwarder keeps idle backend connections in a LIFO list.
type forwarder struct {
	target string
	mu     sync.Mutex
	idle   []*backendConn
}

func (f *forwarder) get() (*backendConn, error) {
	f.mu.Lock()
	if n := len(f.idle); n > 0 {
		c := f.idle[n-1]
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		return c, nil
	}
	f.mu.Unlock()
	conn, err := net.Dial("tcp", f.target)
	if err != nil {
		return nil, err
	}
	return &backendConn{Conn: conn, r: bufio.NewReaderSize(conn, 4096), w: bufio.NewWriterSize(conn, 4096)}, nil
}

func (f *forwarder) put(c *backendConn) {
	f.mu.Lock()
	f.idle = append(f.idle, c)
	f.mu.Unlock()
}

// hopHeaders are not forwarded (RFC 9110 §7.6.1).
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true,
	"Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// errUnknownLength refuses chunked request bodies, which the experiment does not forward.
var errUnknownLength = errors.New("leanproxy: request bodies of unknown length are not supported")

func (f *forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength < 0 {
		http.Error(w, errUnknownLength.Error(), http.StatusNotImplemented)
		return
	}
	c, err := f.get()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := roundTrip(c, r, true)
	if err != nil {
		_ = c.Close()
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	h := w.Header()
	for k, v := range resp.Header {
		if !hopHeaders[k] {
			h[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, copyErr := io.Copy(w, resp.Body)
	if copyErr != nil || resp.Close {
		_ = c.Close()
		if copyErr != nil {
			panic(http.ErrAbortHandler)
		}
		return
	}
	f.put(c)
}

// roundTrip writes r on c, with an X-Forwarded-For of the client's address when addXFF, and
// reads the response head; the body is read from c.r after.
func roundTrip(c *backendConn, r *http.Request, addXFF bool) (*http.Response, error) {
	w := c.w
	line(w, r.Method, " ", r.URL.RequestURI(), " HTTP/1.1")
	line(w, "Host: ", r.Host)
	for k, vs := range r.Header {
		if hopHeaders[k] {
			continue
		}
		for _, v := range vs {
			line(w, k, ": ", v)
		}
	}
	if addXFF {
		line(w, "X-Forwarded-For: ", clientIP(r.RemoteAddr))
	}
	if r.ContentLength > 0 {
		line(w, "Content-Length: ", strconv.FormatInt(r.ContentLength, 10))
		line(w)
		if _, err := io.CopyN(w, r.Body, r.ContentLength); err != nil {
			return nil, err
		}
	} else {
		line(w)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(c.r, r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 {
		return nil, errors.New("leanproxy: 1xx responses are not supported")
	}
	return resp, nil
}

// line writes the parts and CRLF; errors surface at Flush.
func line(w *bufio.Writer, parts ...string) {
	for _, p := range parts {
		_, _ = w.WriteString(p)
	}
	_, _ = w.WriteString("\r\n")
}

func clientIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}
