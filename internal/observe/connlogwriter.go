package observe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// ConnectionLogOptions configure a ConnectionLog: the same settings as an access log's, with
// Location built from connection_logs.s3.bucket and .prefix.
type ConnectionLogOptions = AccessLogOptions

// ConnectionLog writes the connection log of one load balancer (CLOG-01): one entry per TLS
// handshake on its HTTPS listeners, in rotating local files gzipped and uploaded every period
// under the conn_log. object names, exactly as the AccessLog does for requests. Safe for
// concurrent use.
type ConnectionLog struct {
	w   *rotatingLog[*Connection]
	loc LogLocation
	// ports are the hooks of ForListener, by port, made once so that they compare equal.
	ports sync.Map // int → *ListenerConnectionLog
}

// NewConnectionLog starts the writer. Close stops it.
func NewConnectionLog(o ConnectionLogOptions) *ConnectionLog {
	w := &rotatingLog[*Connection]{
		name:   "connection log",
		format: AppendConnectionLog,
		at:     func(c *Connection) time.Time { return c.At },
		key:    LogLocation.ConnectionKey,
	}
	w.start(o)
	return &ConnectionLog{w: w, loc: o.Location}
}

// Observe queues c for the log. It never blocks: when the buffer is full, or after Close, the
// entry is dropped and counted. c must not change afterwards.
func (l *ConnectionLog) Observe(c *Connection) { l.w.observe(c) }

// ObserveHandshake logs the handshake of conn that began at start and ended now with err (nil
// for success); state is the connection's state at that moment, which on a failed client
// certificate check still holds the presented chain (MTLS-05). listener_port is the port conn
// was accepted on. It never blocks. It is the listener's hook (listener.HandshakeObserver).
func (l *ConnectionLog) ObserveHandshake(conn net.Conn, state tls.ConnectionState, start time.Time, err error) {
	l.observeHandshake(conn, state, start, err, int(addrPort(conn.LocalAddr()).Port()))
}

// ForListener returns the hook of the listener configured on port: its entries carry that
// port as listener_port, the value the access log writes and derives conn_trace_id from
// (§8.2), whatever socket the listener bound. A port always gets the same hook, so listener
// options holding it stay equal across reloads.
func (l *ConnectionLog) ForListener(port int) *ListenerConnectionLog {
	h, _ := l.ports.LoadOrStore(port, &ListenerConnectionLog{log: l, port: port})
	return h.(*ListenerConnectionLog)
}

// ListenerConnectionLog is a ConnectionLog's hook for one listener port (ForListener).
type ListenerConnectionLog struct {
	log  *ConnectionLog
	port int
}

// ObserveHandshake is ConnectionLog.ObserveHandshake with the listener's configured port.
func (h *ListenerConnectionLog) ObserveHandshake(conn net.Conn, state tls.ConnectionState, start time.Time, err error) {
	h.log.observeHandshake(conn, state, start, err, h.port)
}

func (l *ConnectionLog) observeHandshake(conn net.Conn, state tls.ConnectionState, start time.Time, err error, port int) {
	now := time.Now()
	c := &Connection{
		At: now, Client: addrPort(conn.RemoteAddr()), ListenerPort: port,
		Version: state.Version, CipherSuite: state.CipherSuite, Latency: now.Sub(start),
		KeyExchange: state.CurveID, Failure: failureCode(err),
		LoadBalancer: l.loc.LoadBalancer, NodeIP: l.loc.nodeIP(),
	}
	if len(state.PeerCertificates) > 0 {
		c.Leaf = state.PeerCertificates[0]
	}
	l.Observe(c)
}

// Dropped returns how many entries were dropped because the writer fell behind.
func (l *ConnectionLog) Dropped() uint64 { return l.w.dropped.Load() }

// Close writes the entries already queued, finishes the current file (gzip and upload), and
// waits for uploads in flight or for ctx to end.
func (l *ConnectionLog) Close(ctx context.Context) error { return l.w.close(ctx) }

// failureCode is the tls_verify_status code of a handshake error: the MTLS-05 code of a refused
// client certificate, UnmappedConnectionError for any other failure, "" for success.
func failureCode(err error) string {
	if err == nil {
		return ""
	}
	if ve, ok := errors.AsType[*tlsconf.VerifyError](err); ok && ve.Code != "" {
		return ve.Code
	}
	return UnmappedConnectionError
}

// addrPort is the address of a TCP endpoint; invalid for other kinds of address.
func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	if a != nil {
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			return ap
		}
	}
	return netip.AddrPort{}
}
