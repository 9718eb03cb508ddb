package listener

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/forwarded"
	"github.com/albatross-lb/albatross/internal/h1/wire"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// h2MaxRequests is how many requests an HTTP/2 connection serves before the ALB sends GOAWAY
// (H2-03).
const h2MaxRequests = 10000

// h2MaxStreams is the concurrent streams allowed per HTTP/2 connection (H2-02).
const h2MaxStreams = 128

// connInfo is what the per-request wrapper needs to know about the client connection.
type connInfo struct {
	// born is when the connection was accepted: client_keep_alive counts from it (TMO-03).
	born time.Time
	// tls is the handshake's state on HTTPS listeners, nil on HTTP ones.
	tls *tls.ConnectionState
	// requests counts the requests served on the connection (H2-03).
	requests atomic.Int64
	// sni records whether the client's SNI picked a certificate (TLS-03), on HTTPS listeners.
	sni *tlsconf.SNIResult
}

type connInfoKey struct{}

func newALBConn(c net.Conn, state *tls.ConnectionState, sni *tlsconf.SNIResult, idle time.Duration) *albConn {
	return &albConn{Conn: c, info: connInfo{born: time.Now(), tls: state, sni: sni}, idle: idle}
}

// handshake runs the TLS handshake of an accepted connection under opts, off the accept loop,
// then hands the connection over: HTTP/2 as the bare *tls.Conn, HTTP/1 under albConn. A failed
// handshake (unknown policy version, untrusted client certificate: MTLS-05) closes the
// connection without an HTTP response; either way opts.Handshakes hears of it (CLOG-01). The
// handshake must finish within the idle timeout or maxHandshakeTime, whichever is shorter.
// It is tracked in l.handshaking so that Close can cut it.
func (l *Listener) handshake(conn net.Conn, opts Options) {
	defer l.handshakes.Done()
	defer observe.Recover(l.log, "listener_handshake")
	tc := tls.Server(conn, opts.TLS)
	sni := new(tlsconf.SNIResult) // filled by the certificate store during the handshake
	ctx, cancel := context.WithTimeout(tlsconf.WithSNIResult(context.Background(), sni), min(opts.IdleTimeout, maxHandshakeTime))
	defer cancel()
	start := time.Now()
	err := tc.HandshakeContext(ctx)
	l.mu.Lock()
	delete(l.handshaking, conn)
	closed := l.closed
	l.mu.Unlock()
	if err != nil && !closed && opts.TLSErrors != nil {
		opts.TLSErrors.ClientTLSNegotiationFailed()
	}
	if opts.Handshakes != nil {
		// Logged before the connection is handed over, so that the connection log entry
		// precedes the access log entries of its requests (CLOG-01).
		opts.Handshakes.ObserveHandshake(conn, tc.ConnectionState(), start, err)
	}
	if err != nil {
		l.log.Debug("TLS handshake failed", "remote", conn.RemoteAddr().String(), "error", err)
		_ = conn.Close()
		return
	}
	state := tc.ConnectionState()
	if state.NegotiatedProtocol == tlsconf.ACMEALPNProto {
		// An ACME tls-alpn-01 validation only looks at the certificate (RFC 8737 §3); the
		// connection carries no HTTP.
		_ = tc.Close()
		return
	}
	if state.NegotiatedProtocol == "h2" {
		// net/http must get the bare *tls.Conn for HTTP/2, so its facts wait here for connContext.
		l.sniByConn.Store(tc, sni)
		l.handOver(tc)
		return
	}
	ac := newALBConn(tc, &state, sni, opts.IdleTimeout)
	ac.refused = l.recordNetHTTPRefusal
	l.handOver(ac)
}

// connContext records the connection's facts in its context: albConns carry theirs; an HTTP/2
// *tls.Conn starts its life now, right after its handshake, and its SNI result was left by
// handshake.
func (l *Listener) connContext(ctx context.Context, c net.Conn) context.Context {
	var info *connInfo
	switch c := c.(type) {
	case *albConn:
		info = &c.info
	case *tls.Conn:
		state := c.ConnectionState()
		info = &connInfo{born: time.Now(), tls: &state}
		if v, ok := l.sniByConn.LoadAndDelete(c); ok {
			info.sni = v.(*tlsconf.SNIResult)
		}
	default:
		info = &connInfo{born: time.Now()}
	}
	if info.sni != nil {
		ctx = tlsconf.WithSNIResult(ctx, info.sni)
	}
	return context.WithValue(ctx, connInfoKey{}, info)
}

// serveHTTP applies the connection-level settings of g to a request, then routes it: the TLS
// facts (r.TLS, the TLS-06 and mTLS headers) and the end of the connection's life (TMO-03,
// H2-03).
func (g *generation) serveHTTP(w http.ResponseWriter, r *http.Request) {
	defer g.l.recoverPanic(r)
	if info, ok := r.Context().Value(connInfoKey{}).(*connInfo); ok {
		n := info.requests.Add(1)
		if r.TLS == nil {
			r.TLS = info.tls // HTTP/1 over TLS: net/http sees albConn, not the *tls.Conn
		}
		// The head's arrival (the loop's clock reading) is as good as now at this scale.
		old := wire.ArrivedAt(r.Context()).Sub(info.born) >= g.opts.ClientKeepAlive
		if (old || (r.ProtoMajor == 2 && n >= h2MaxRequests)) && r.Header.Get("Upgrade") == "" {
			closeAfter(w, r)
		}
	}
	// Before any header of the load balancer's own is added (here the TLS ones, in the router
	// the forwarding ones): what the client names in Connection goes now, not on the way out.
	forwarded.ResolveConnection(r.Header)
	if g.opts.TLS != nil {
		g.opts.TLSHeaders.Apply(r.Header, r.TLS)
	}
	if g.opts.ACMEHTTP01 && tlsconf.HTTP01Handler(w, r) {
		return
	}
	w = applyIdleTimeout(w, r, g.opts.IdleTimeout)
	g.l.serveHTTP(w, r)
}

// closeAfter makes this response the connection's last: Connection: close for net/http's HTTP/1
// server (which its HTTP/2 server turns into a graceful GOAWAY), and r.Close for the ALB pages
// elberr writes on a hijacked connection. WebSocket upgrades are left alone: their connection
// ends when the WebSocket does.
func closeAfter(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	r.Close = true
}
