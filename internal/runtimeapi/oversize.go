package runtimeapi

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// The engine's loop keeps the ALB's head limits (LIM-01: 16 K per line, 64 K in all), while
// Lambda's Runtime API, like RIE, is Go's net/http server with its 1 MB. Runtimes do send heads
// that large: aws-lambda-go posts an error's X-Ray cause, stack trace included, in the
// Lambda-Runtime-Function-Xray-Error-Cause header when it is under 1 MB. So a connection whose
// head is over the engine's limits is handed, with the bytes already read, to a net/http server
// with net/http's defaults, which serves it from then on as it did every connection before.

// oversize is the net/http server for connections with oversized heads, started by the first.
type oversize struct {
	once sync.Once
	srv  *http.Server
	ln   *handoffListener
}

// serveOversize is the engine's OversizeHead: it runs on the connection's goroutine.
func (s *Server) serveOversize(nc net.Conn, buffered []byte) {
	o := &s.oversize
	o.once.Do(func() {
		o.ln = &handoffListener{conns: make(chan net.Conn), closed: s.closed, addr: nc.LocalAddr()}
		o.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = o.srv.Serve(o.ln) }()
	})
	if o.ln == nil { // closed before the first handover
		_ = nc.Close()
		return
	}
	c := &prefixedConn{Conn: nc, r: io.MultiReader(bytes.NewReader(buffered), nc)}
	select {
	case o.ln.conns <- c:
	case <-s.closed:
		_ = nc.Close()
	}
}

// close stops the net/http server and its connections, if it was started.
func (o *oversize) close() {
	o.once.Do(func() {}) // a handover racing Close finds the server closed
	if o.srv != nil {
		_ = o.srv.Close()
	}
}

// handoffListener accepts the connections handed to it until the Runtime API closes.
type handoffListener struct {
	conns  chan net.Conn
	closed <-chan struct{}
	addr   net.Addr
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		select {
		case <-l.closed: // Close raced the handover
			_ = c.Close()
			return nil, net.ErrClosed
		default:
		}
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error   { return nil }
func (l *handoffListener) Addr() net.Addr { return l.addr }

// prefixedConn reads the bytes the engine had read before the rest of the connection.
type prefixedConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
