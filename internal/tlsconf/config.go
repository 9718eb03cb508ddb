package tlsconf

import (
	"crypto/tls"
	"fmt"
)

// Settings are everything about an HTTPS listener's TLS side.
type Settings struct {
	// Certificates: the first is the default certificate, the others the certificate list.
	Certificates []CertFile
	// Policy is the ssl_policy name; "" means DefaultPolicy.
	Policy string
	// HTTP2 offers h2 in ALPN (routing.http2.enabled, H2-01); otherwise only http/1.1.
	HTTP2 bool
	// MutualAuth is the listener's mutual authentication; the zero value is off.
	MutualAuth MutualAuth
	// Owner is the Region and account of the certificates' ARNs (CertificateARN); zero takes
	// the defaults.
	Owner ARNOwner
}

// ServerConfig builds the tls.Config of a listener. Each call reads the files again, so a
// configuration reload picks up renewed certificates; the returned config applies to new
// handshakes only.
func ServerConfig(s Settings) (*tls.Config, error) {
	policy, ok := LookupPolicy(s.Policy)
	if !ok {
		return nil, fmt.Errorf("unknown security policy %q (TLS-04)", s.Policy)
	}
	store, err := loadStore(s.Certificates, s.Owner)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		GetCertificate: store.GetCertificate,
		MinVersion:     policy.MinVersion,
		MaxVersion:     policy.MaxVersion,
		CipherSuites:   policy.CipherSuites,
		NextProtos:     []string{"http/1.1"},
	}
	if s.HTTP2 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	if err := applyMutualAuth(cfg, s.MutualAuth); err != nil {
		return nil, err
	}
	return cfg, nil
}
