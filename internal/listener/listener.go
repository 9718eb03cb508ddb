// Package listener owns the sockets of HTTP and HTTPS listeners: one http.Server per port whose
// handler is swapped atomically on every reload, TLS termination with HTTP/2 (tls.go), the
// connection-level settings (client keep-alive, TLS request headers), and graceful draining on
// close.
package listener

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// Options are the server settings of a listener. They come from load balancer attributes.
type Options struct {
	// IdleTimeout is idle_timeout.timeout_seconds (TMO-01): a connection with no traffic for this
	// long is closed. Zero means 60 s.
	IdleTimeout time.Duration
	// ClientKeepAlive is client_keep_alive.seconds (TMO-03): once a connection is this old, the
	// next response closes it (HTTP/1 Connection: close, HTTP/2 GOAWAY). Zero means 3600 s.
	ClientKeepAlive time.Duration
	// TLS makes the listener HTTPS: connections are TLS handshakes under this configuration
	// (tlsconf.ServerConfig); h2 is served when its NextProtos offer it. nil means plain HTTP.
	TLS *tls.Config
	// TLSHeaders are the TLS and mTLS request headers of an HTTPS listener (TLS-06, MTLS-02/03);
	// client-sent copies of their names are removed. Unused without TLS.
	TLSHeaders tlsconf.Headers
	// Handshakes, when set, is told of every TLS handshake, successful or failed: the
	// connection log (CLOG-01). nil means none is kept. Unused without TLS.
	Handshakes HandshakeObserver
	// MaxConnections caps the listener's open client connections (albatross.connections.max);
	// a connection over the cap is closed as soon as it is accepted. Zero means
	// DefaultMaxConnections.
	MaxConnections int
	// MaxConnectionsPerIP caps one source IP's open connections to the listener
	// (albatross.connections.max_per_source_ip). Zero means DefaultMaxConnectionsPerIP.
	MaxConnectionsPerIP int
	// MaxHandshakes caps the TLS handshakes in progress; a connection beyond it is closed at
	// once. Zero means DefaultMaxHandshakes. Not a configuration key.
	MaxHandshakes int
	// Rejections, when set, counts the connections refused at a cap. nil means not counted.
	Rejections RejectionObserver
	// TLSErrors, when set, counts the client TLS handshakes that failed
	// (ClientTLSNegotiationErrorCount); nil means not counted.
	TLSErrors TLSErrorObserver
	// ACMEHTTP01 makes an HTTP listener answer ACME http-01 challenges for the ACME
	// certificates validated through it (tlsconf.HTTP01Handler) before routing.
	ACMEHTTP01 bool

	// engine serves HTTP/1 with Albatross's own connection loop (internal/h1/server) or with
	// net/http's server, the path before issue 14, kept for the differential test and as a
	// fallback. The zero value lets ALBATROSS_HTTP1_ENGINE decide. HTTP/2 is always net/http's.
	engine engine
}

// engine is the HTTP/1 server of a listener.
type engine uint8

const (
	engineFromEnv engine = iota
	engineOwn
	engineNetHTTP
)

// engineEnv selects the HTTP/1 engine of every listener: "net/http" for net/http's server;
// anything else (the default) for Albatross's own. Not a configuration key: it exists to compare
// the two paths and to fall back if the new one misbehaves.
const engineEnv = "ALBATROSS_HTTP1_ENGINE"

// HandshakeObserver receives every TLS handshake of an HTTPS listener (CLOG-01): conn is the
// raw connection, state its TLS state when the handshake ended (on a refused client
// certificate it still holds the presented chain), start when the handshake began, and err
// nil for success or the handshake's failure (a *tlsconf.VerifyError for MTLS-05).
// ObserveHandshake runs on the handshake's goroutine and must not block. Implementations must
// be comparable (pointers), as Options are compared on reload.
type HandshakeObserver interface {
	ObserveHandshake(conn net.Conn, state tls.ConnectionState, start time.Time, err error)
}

func (o Options) withDefaults() Options {
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.ClientKeepAlive == 0 {
		o.ClientKeepAlive = time.Hour
	}
	if o.MaxConnections == 0 {
		o.MaxConnections = DefaultMaxConnections
	}
	if o.MaxConnectionsPerIP == 0 {
		o.MaxConnectionsPerIP = DefaultMaxConnectionsPerIP
	}
	if o.MaxHandshakes == 0 {
		o.MaxHandshakes = DefaultMaxHandshakes
	}
	if o.engine == engineFromEnv {
		o.engine = engineOwn
		if os.Getenv(engineEnv) == "net/http" {
			o.engine = engineNetHTTP
		}
	}
	return o
}

// Listener serves one bound address. Accepted connections go to the current generation of
// http.Server; when Options change a new generation takes the new connections while the old one
// drains, so no connection is refused or cut by a reload. It is safe for concurrent use.
type Listener struct {
	socket  net.Listener
	handler atomic.Pointer[http.Handler]
	log     *slog.Logger
	// sniByConn passes an HTTP/2 connection's SNI result from its handshake to its ConnContext.
	sniByConn sync.Map

	mu      sync.Mutex
	current *generation
	// draining are generations retired by SetOptions whose connections have not all finished;
	// Close cuts them at its deadline too.
	draining map[*generation]bool
	opts     Options
	closed   bool
	done     chan struct{}
	// handshaking are the TLS connections whose handshake runs now; Close cuts them.
	handshaking map[net.Conn]bool
	handshakes  sync.WaitGroup
	// conns counts the open client connections for the caps (limits.go).
	conns connTable
}

// Listen binds addr ("host:port"; port 0 picks a free one) and starts serving h.
func Listen(addr string, h http.Handler, opts Options, log *slog.Logger) (*Listener, error) {
	socket, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	l := &Listener{socket: socket, log: log, done: make(chan struct{}), draining: map[*generation]bool{}, handshaking: map[net.Conn]bool{}}
	l.conns.perIP = map[netip.Addr]int{}
	l.handler.Store(&h)
	l.opts = opts.withDefaults()
	l.current = l.newGeneration(l.opts)
	go l.acceptLoop()
	return l, nil
}

// Addr is the bound address.
func (l *Listener) Addr() net.Addr { return l.socket.Addr() }

// SetHandler makes h serve every request that starts from now on; requests in flight finish with
// the handler they started with.
func (l *Listener) SetHandler(h http.Handler) { l.handler.Store(&h) }

// SetOptions applies new server settings to new connections; existing connections keep theirs
// and drain.
func (l *Listener) SetOptions(opts Options) {
	opts = opts.withDefaults()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || opts == l.opts {
		return
	}
	old := l.current
	l.opts = opts
	l.current = l.newGeneration(opts)
	l.draining[old] = true
	old.retire()
	go func() {
		<-old.drained
		l.mu.Lock()
		delete(l.draining, old)
		l.mu.Unlock()
	}()
}

// Close stops accepting, lets requests in flight finish until ctx ends, then cuts what is left.
func (l *Listener) Close(ctx context.Context) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	gens := []*generation{l.current}
	for g := range l.draining {
		gens = append(gens, g)
	}
	for c := range l.handshaking {
		_ = c.Close()
	}
	l.mu.Unlock()
	err := l.socket.Close()
	<-l.done
	l.handshakes.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	errs := make([]error, len(gens))
	var wg sync.WaitGroup
	for i, g := range gens {
		wg.Go(func() { errs[i] = g.shutdown(ctx) })
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			err = e
		}
	}
	return err
}

func (l *Listener) acceptLoop() {
	defer close(l.done)
	var backoff time.Duration
	for {
		conn, err := l.socket.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Temporary failures such as EMFILE: wait a little instead of spinning.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.log.Warn("accept failed", "addr", l.socket.Addr().String(), "error", err)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		ip := sourceIP(conn)
		l.mu.Lock()
		opts, closed := l.opts, l.closed
		refused := ""
		if !closed {
			refused = l.admit(ip, opts)
		}
		if refused != "" {
			l.refuse(conn, ip, refused, opts)
		} else if !closed {
			conn = &countedConn{Conn: conn, release: func() { l.release(ip) }}
			if opts.TLS != nil {
				l.handshaking[conn] = true
				l.handshakes.Add(1)
			}
		}
		l.mu.Unlock()
		switch {
		case refused != "":
		case closed:
			_ = conn.Close()
		case opts.TLS != nil:
			go l.handshake(conn, opts)
		default:
			ac := newALBConn(conn, nil, nil, opts.IdleTimeout)
			ac.refused = l.recordNetHTTPRefusal
			l.handOver(ac)
		}
	}
}

// handOver gives c to the current generation. A generation retired by SetOptions between the
// lookup and the hand-over refuses it, and the next current one takes it.
func (l *Listener) handOver(c net.Conn) {
	for {
		l.mu.Lock()
		gen, closed := l.current, l.closed
		l.mu.Unlock()
		if gen.take(c) {
			return
		}
		if closed {
			_ = c.Close()
			return
		}
	}
}

// ServeHTTP dispatches to the current handler.
func (l *Listener) serveHTTP(w http.ResponseWriter, r *http.Request) {
	(*l.handler.Load()).ServeHTTP(w, r)
}
