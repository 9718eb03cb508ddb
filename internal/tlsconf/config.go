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
	// ACME are certificates obtained and renewed automatically (Albatross's own); with them,
	// Certificates may be empty.
	ACME []ACME
	// ACMEDefault makes ACME[0]'s first domain the default certificate instead of
	// Certificates[0] (the configuration listed the ACME entry first).
	ACMEDefault bool
}

// ServerConfig builds the tls.Config of a listener. Each call reads the files again, so a
// configuration reload picks up renewed certificates; the returned config applies to new
// handshakes only.
func ServerConfig(s Settings) (*tls.Config, error) {
	policy, ok := LookupPolicy(s.Policy)
	if !ok {
		return nil, fmt.Errorf("unknown security policy %q (TLS-04)", s.Policy)
	}
	getCertificate, acmeEntries, err := certificates(s)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		GetCertificate: getCertificate,
		MinVersion:     policy.MinVersion,
		MaxVersion:     policy.MaxVersion,
		CipherSuites:   policy.CipherSuites,
		NextProtos:     []string{"http/1.1"},
	}
	if s.HTTP2 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	cfg.NextProtos = acmeProtos(cfg.NextProtos, acmeEntries)
	if err := applyMutualAuth(cfg, s.MutualAuth); err != nil {
		return nil, err
	}
	return cfg, nil
}

// certificates builds the certificate selection of s: the file store alone, or with ACME
// entries the selector over both.
func certificates(s Settings) (func(*tls.ClientHelloInfo) (*tls.Certificate, error), []*acmeCert, error) {
	if len(s.ACME) == 0 {
		store, err := loadStore(s.Certificates, s.Owner)
		if err != nil {
			return nil, nil, err
		}
		return store.GetCertificate, nil, nil
	}
	sel := &selector{owner: s.Owner, acmeDefault: s.ACMEDefault || len(s.Certificates) == 0}
	if len(s.Certificates) > 0 {
		store, err := loadStore(s.Certificates, s.Owner)
		if err != nil {
			return nil, nil, err
		}
		sel.files = store
	}
	for _, a := range s.ACME {
		c, err := loadACME(a)
		if err != nil {
			return nil, nil, err
		}
		sel.acme = append(sel.acme, c)
	}
	return sel.GetCertificate, sel.acme, nil
}
