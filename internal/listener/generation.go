package listener

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/albatross-lb/albatross/internal/elberr"
	h1server "github.com/albatross-lb/albatross/internal/h1/server"
)

// generation is one http.Server and the connections handed to it. A generation retired by
// SetOptions takes no new connections but keeps serving the ones it has, with the settings they
// were accepted under, until their clients close them or they reach the idle timeout (the ALB
// applies setting changes to new connections only, TMO-03). It is not shut down with
// http.Server.Shutdown or keep-alive switched off: both close idle connections at once, racing
// clients that are just sending their next request on them. drained is closed when the last
// connection is gone.
type generation struct {
	server *http.Server
	// h1 serves the HTTP/1 connections (plain, and TLS without h2) unless opts.engine is net/http's; server
	// then only has HTTP/2's.
	h1    *h1server.Server
	conns *connQueue
	l     *Listener
	opts  Options

	mu      sync.Mutex
	open    int  // connections served and not yet closed or hijacked
	retired bool // retire was called
	drained chan struct{}
}

func (l *Listener) newGeneration(opts Options) *generation {
	g := &generation{conns: newConnQueue(l.socket.Addr()), l: l, opts: opts, drained: make(chan struct{})}
	g.server = &http.Server{
		Handler:     http.HandlerFunc(g.serveHTTP),
		IdleTimeout: opts.IdleTimeout,
		// TMO-01 applies to headers too: a client silent for the idle timeout is dropped.
		ReadHeaderTimeout: opts.IdleTimeout,
		// LIM-01: request line 16 K plus header block 64 K. Larger heads are refused by net/http,
		// whose answer albConn turns into the ALB's 400.
		MaxHeaderBytes: elberr.MaxRequestLineBytes + elberr.MaxRequestHeaderBytes,
		ErrorLog:       slog.NewLogLogger(l.log.Handler(), slog.LevelDebug),
		// elberr writes some ALB pages on the hijacked connection (for the ALB's reason phrase)
		// and gives clean connections back here, to be served again.
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return l.connContext(elberr.WithResume(ctx, l.handOver), c)
		},
		ConnState: g.connState,
		// HTTP/2 (on HTTPS listeners whose ALPN offers h2): H2-02's stream limit. Serve configures
		// h2 itself because the server has no TLSConfig of its own.
		// WriteByteTimeout is TMO-01 for HTTP/2 connections whose client stops reading at the TCP
		// level (per-stream stalls are idleWriter's).
		HTTP2: &http.HTTP2Config{MaxConcurrentStreams: h2MaxStreams, WriteByteTimeout: opts.IdleTimeout},
	}
	if opts.engine != engineNetHTTP {
		g.h1 = &h1server.Server{
			Handler:     http.HandlerFunc(g.serveHTTP),
			IdleTimeout: opts.IdleTimeout,
			ConnContext: l.connContext,
			ConnState:   g.h1ConnState,
			// The listener's handler is the router, which applies the mode to every verdict.
			Verdicts: true,
			Refused:  l.recordRefusal,
			Log:      l.log,
		}
	}
	go func() { _ = g.server.Serve(g.conns) }()
	return g
}

// take serves c on g: HTTP/1 connections (albConns) on g's own loop, unless g uses net/http
// for them, the rest (HTTP/2's *tls.Conn) on net/http's server. It reports false, keeping c
// open, when g was retired first.
func (g *generation) take(c net.Conn) bool {
	ac, ok := c.(*albConn)
	if !ok || g.h1 == nil {
		return g.conns.deliver(c)
	}
	g.mu.Lock()
	if g.retired {
		g.mu.Unlock()
		return false
	}
	g.open++ // now, not in StateNew: a retire meanwhile must wait for this connection
	g.mu.Unlock()
	// ac stays the connection's identity (its connInfo reaches connContext); the loop reads and
	// writes ac.Conn itself: albConn's rewriting of net/http's replies and its 408 are the
	// loop's own work there.
	go g.h1.ServeConn(ac, ac.Conn)
	return true
}

// h1ConnState counts the end of a connection served by g.h1 (take counted its start).
func (g *generation) h1ConnState(_ net.Conn, state http.ConnState) {
	if state == http.StateHijacked || state == http.StateClosed {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.open--
		g.signalDrained()
	}
}

// connState counts the generation's connections, so that a retired one knows when it is done,
// and tells an albConn when a handler runs its request (see albConn.serving).
func (g *generation) connState(c net.Conn, state http.ConnState) {
	if ac, ok := c.(*albConn); ok {
		switch state {
		case http.StateActive:
			ac.serving.Store(true)
		case http.StateNew, http.StateIdle:
			ac.serving.Store(false)
			ac.forgetHead() // what was read belongs to the request that ended
			// Bytes read so far (a body discarded after the response) belong to the request
			// that ended: a silent wait for the next one is idleness, not a stalled request.
			ac.begun.Store(false)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch state {
	case http.StateNew:
		g.open++
	case http.StateHijacked, http.StateClosed:
		g.open--
		g.signalDrained()
	}
}

// retire hands no more connections to g; its connections live on until they close. It does not
// block.
func (g *generation) retire() {
	_ = g.conns.Close()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.retired = true
	g.signalDrained()
}

// signalDrained closes drained once a retired generation has no connection left; g.mu is held.
func (g *generation) signalDrained() {
	if g.retired && g.open == 0 {
		select {
		case <-g.drained:
		default:
			close(g.drained)
		}
	}
}

// shutdown stops g for good: in-flight requests finish until ctx ends, then the connections
// still busy are cut. It returns ctx's error when it had to cut.
func (g *generation) shutdown(ctx context.Context) error {
	var h1err error
	var wg sync.WaitGroup
	if g.h1 != nil {
		wg.Go(func() {
			if h1err = g.h1.Shutdown(ctx); h1err != nil {
				_ = g.h1.Close()
			}
		})
	}
	err := g.server.Shutdown(ctx)
	if err != nil {
		// The deadline passed: cut the connections that are still busy.
		_ = g.server.Close()
	}
	wg.Wait()
	if err == nil {
		err = h1err
	}
	return err
}
