package tlsconf

import (
	"context"
	"sync/atomic"
)

// SNIResult records, for one client connection, what certificate selection made of the SNI
// name (TLS-02), so that the access log can write domain_name as TLS-03 asks: the SNI name when
// it selected a certificate, "-" when there was no SNI or it matched nothing and the default
// certificate was served. tls.ConnectionState keeps the SNI name but not whether it matched.
// The zero value is "no selection seen" (a resumed session, or a handshake run without a
// recorder). It is safe for concurrent use.
type SNIResult struct {
	state atomic.Uint32
	arn   atomic.Pointer[string]
}

const (
	sniUnknown uint32 = iota
	sniMatched
	sniDefault
)

// Record notes the outcome of one certificate selection: matched is true when the SNI name
// selected a certificate, arn is the ARN of the certificate presented. Store.GetCertificate
// calls it; a later call replaces the outcome.
func (r *SNIResult) Record(matched bool, arn string) {
	r.arn.Store(&arn)
	if matched {
		r.state.Store(sniMatched)
		return
	}
	r.state.Store(sniDefault)
}

// DefaultServed reports whether the handshake presented the default certificate because the
// client sent no SNI name or the name matched no certificate (TLS-03: domain_name "-"). It is
// false before the handshake and for resumed sessions, where no certificate was selected.
func (r *SNIResult) DefaultServed() bool {
	return r != nil && r.state.Load() == sniDefault
}

// CertificateARN is the ARN of the certificate the handshake presented (chosen_cert_arn,
// TLS-03), "" before the handshake and for a resumed session, which presents none.
func (r *SNIResult) CertificateARN() string {
	if r == nil {
		return ""
	}
	if p := r.arn.Load(); p != nil {
		return *p
	}
	return ""
}

type sniResultKey struct{}

// WithSNIResult returns ctx carrying r. A listener passes it to tls.Conn.HandshakeContext, so
// that Store.GetCertificate can record its choice (ClientHelloInfo.Context), and keeps it in
// the connection's context, so that each request can read it with SNIResultFrom.
func WithSNIResult(ctx context.Context, r *SNIResult) context.Context {
	return context.WithValue(ctx, sniResultKey{}, r)
}

// SNIResultFrom returns the connection's SNIResult, or nil when ctx carries none.
func SNIResultFrom(ctx context.Context) *SNIResult {
	if ctx == nil {
		return nil
	}
	r, _ := ctx.Value(sniResultKey{}).(*SNIResult)
	return r
}
