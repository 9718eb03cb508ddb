package observe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// Connection is one connection attempt on an HTTPS listener: the facts of one connection log
// entry (CLOG-01), whether its handshake succeeded or failed.
type Connection struct {
	// At is when the handshake ended, successfully or not: the entry's timestamp.
	At time.Time
	// Client is the TCP peer; ListenerPort the port it connected to.
	Client       netip.AddrPort
	ListenerPort int
	// Version and CipherSuite are what the handshake negotiated; zero (written "-") when it
	// failed before choosing them.
	Version, CipherSuite uint16
	// Latency is the handshake's duration, from the first byte read to the last one written.
	// It is written only when the handshake succeeded (CLOG-01: "-" if failed).
	Latency time.Duration
	// Leaf is the client's leaf certificate when one was presented (mTLS), else nil.
	Leaf *x509.Certificate
	// Failure is "" for a successful handshake, else the MTLS-05 code written after "Failed:",
	// e.g. ClientCertUntrusted; UnmappedConnectionError for a failure that is no verify error.
	Failure string
	// KeyExchange is the negotiated key exchange group; zero (written "-") when there was none,
	// e.g. an RSA key exchange or a failed handshake.
	KeyExchange tls.CurveID
	// LoadBalancer (app/<name>/<id>) and NodeIP are the newest text's trailing elb and
	// ip_address fields; "" is written "-".
	LoadBalancer, NodeIP string
}

// UnmappedConnectionError is the tls_verify_status code of a failed connection that no client
// certificate check refused, e.g. a protocol or cipher mismatch (MTLS-05).
const UnmappedConnectionError = "UnmappedConnectionError"

// AppendConnectionLog appends c as one connection log entry, the fields of CLOG-01 in order,
// followed by a newline:
//
//	timestamp client_ip client_port listener_port tls_protocol tls_cipher tls_handshake_latency
//	"leaf_client_cert_subject" leaf_client_cert_validity leaf_client_cert_serial_number
//	tls_verify_status conn_trace_id tls_keyexchange elb ip_address
//
// Fields with no value are "-" ("-" in quotes for the subject). It does not retain b or c.
func AppendConnectionLog(b []byte, c *Connection) []byte {
	b = c.At.UTC().AppendFormat(b, timeLayout)
	b = appendClientIP(b, c.Client)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(c.ListenerPort), 10)
	b = appendToken(b, tlsconf.VersionName(c.Version)) // "-" for zero, as for an unknown version
	b = appendToken(b, cipherToken(c.CipherSuite))
	if c.Failure == "" {
		b = appendSeconds(b, c.Latency)
	} else {
		b = append(b, " -"...)
	}
	b = appendLeaf(b, c.Leaf)
	if c.Failure == "" {
		b = append(b, " Success"...)
	} else {
		b = appendToken(b, "Failed:"+c.Failure)
	}
	b = append(b, ' ')
	b = AppendConnTraceID(b, c.Client, c.ListenerPort)
	b = appendToken(b, keyExchangeName(c.KeyExchange))
	b = appendToken(b, c.LoadBalancer)
	b = appendToken(b, c.NodeIP)
	return append(b, '\n')
}

// appendClientIP is client_ip and client_port as two fields (unlike the access log's ip:port).
func appendClientIP(b []byte, c netip.AddrPort) []byte {
	if !c.IsValid() {
		return append(b, " - -"...)
	}
	b = append(b, ' ')
	b = c.Addr().Unmap().AppendTo(b)
	b = append(b, ' ')
	return strconv.AppendUint(b, uint64(c.Port()), 10)
}

// appendLeaf is the three leaf certificate fields: "subject", NotBefore=…;NotAfter=… and the
// serial number, written as the MTLS-03 headers write them (RFC 2253 subject, RFC 3339 UTC
// times, the serial's bytes in upper-case hex).
func appendLeaf(b []byte, leaf *x509.Certificate) []byte {
	if leaf == nil {
		return append(b, ` "-" - -`...)
	}
	b = appendQuoted(b, leaf.Subject.String())
	b = append(b, " NotBefore="...)
	b = leaf.NotBefore.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, ";NotAfter="...)
	b = leaf.NotAfter.UTC().AppendFormat(b, time.RFC3339)
	if leaf.SerialNumber == nil {
		return append(b, " -"...)
	}
	return fmt.Appendf(b, " %X", leaf.SerialNumber.Bytes())
}

func cipherToken(id uint16) string {
	if id == 0 {
		return ""
	}
	return tlsconf.OpenSSLCipher(id)
}

// keyExchangeName is tls_keyexchange: the group's name in the IANA TLS Supported Groups
// registry (as OpenSSL reports it), e.g. x25519 or X25519MLKEM768; "" for none.
func keyExchangeName(id tls.CurveID) string {
	switch id {
	case 0:
		return ""
	case tls.X25519:
		return "x25519"
	case tls.CurveP256:
		return "secp256r1"
	case tls.CurveP384:
		return "secp384r1"
	case tls.CurveP521:
		return "secp521r1"
	case tls.X25519MLKEM768:
		return "X25519MLKEM768"
	}
	return id.String()
}
