package listener

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// Connection caps keep greedy peers from taking every file descriptor and goroutine: an ALB has
// no documented per-client limit, but it does refuse connections at capacity and counts them in
// RejectedConnectionCount (§9.1). The defaults are generous for one machine; the
// albatross.connections.* load balancer attributes (Albatross's own) change them.
const (
	// DefaultMaxConnections is the default cap on a listener's open client connections.
	DefaultMaxConnections = 10000
	// DefaultMaxConnectionsPerIP is the default cap on one source IP's open connections to a
	// listener.
	DefaultMaxConnectionsPerIP = 1000
	// DefaultMaxHandshakes is the default cap on a listener's TLS handshakes in progress: a
	// handshake costs a goroutine and CPU before the peer has proven anything.
	DefaultMaxHandshakes = 1024
	// maxHandshakeTime bounds a TLS handshake (or the idle timeout when shorter), however long
	// the idle timeout: a peer that opens a TLS connection and stalls the handshake holds a
	// handshake slot no longer.
	maxHandshakeTime = 10 * time.Second
	// rejectionLogEvery spaces the log lines about refused connections: under attack the log
	// says how many were refused, once per period, instead of one line each.
	rejectionLogEvery = 10 * time.Second
)

// Reasons a connection is refused, for the log.
const (
	capConnections = "max_connections"
	capPerIP       = "max_connections_per_source_ip"
	capHandshakes  = "max_pending_handshakes"
)

// RejectionObserver counts the connections a listener refused at a cap (RejectedConnectionCount).
// It must not block and must be comparable (a pointer), as Options are compared on reload.
type RejectionObserver interface {
	ConnectionRejected()
}

// TLSErrorObserver counts the client TLS handshakes that failed: no common protocol or cipher,
// a refused client certificate, a client that gave up or stalled (ClientTLSNegotiationErrorCount,
// §9.1). Handshakes cut by the listener's own Close are not counted. Like RejectionObserver it
// must not block and must be comparable.
type TLSErrorObserver interface {
	ClientTLSNegotiationFailed()
}

// connTable counts a listener's open client connections, in all and per source IP. Connections
// stay counted across generations (a reload) until they close.
type connTable struct {
	// mu guards the table; it is taken after Listener.mu when both are held.
	mu    sync.Mutex
	open  int
	perIP map[netip.Addr]int
	// refused counts refusals since the last log line, at lastLog.
	refused int
	lastLog time.Time
}

// admit counts conn in, or returns why it is refused under opts. l.mu is held.
func (l *Listener) admit(ip netip.Addr, opts Options) string {
	t := &l.conns
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.open >= opts.MaxConnections:
		return capConnections
	case t.perIP[ip] >= opts.MaxConnectionsPerIP:
		return capPerIP
	case opts.TLS != nil && len(l.handshaking) >= opts.MaxHandshakes:
		return capHandshakes
	}
	t.open++
	t.perIP[ip]++
	return ""
}

// release counts a closed connection out.
func (l *Listener) release(ip netip.Addr) {
	t := &l.conns
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open--
	if t.perIP[ip]--; t.perIP[ip] <= 0 {
		delete(t.perIP, ip)
	}
}

// refuse closes a connection refused at a cap, counts it, and logs at most once per
// rejectionLogEvery.
func (l *Listener) refuse(conn net.Conn, ip netip.Addr, reason string, opts Options) {
	_ = conn.Close()
	if opts.Rejections != nil {
		opts.Rejections.ConnectionRejected()
	}
	t := &l.conns
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refused++
	if now := time.Now(); now.Sub(t.lastLog) >= rejectionLogEvery {
		l.log.Warn("connection refused: cap reached", "addr", l.socket.Addr().String(), "cap", reason,
			"source_ip", ip.String(), "refused", t.refused, "open", t.open,
			"max", opts.MaxConnections, "max_per_source_ip", opts.MaxConnectionsPerIP)
		t.refused, t.lastLog = 0, now
	}
}

// sourceIP is the peer's address, IPv4-mapped IPv6 unmapped so both forms count as one client.
func sourceIP(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// countedConn is an admitted connection: closing it, however often and from wherever (net/http,
// a hijacker, Close's cut), gives its place back once.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// SyscallConn exposes the socket, so that the HTTP/1 loop waits for a request without holding a
// read buffer (internal/h1/server, readBuffer).
func (c *countedConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}

// CloseWrite keeps half-closes (net/http's lingering close, ALB pages) working.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
