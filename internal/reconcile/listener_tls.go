package reconcile

import (
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// listenerOptions are the server settings of listener l of lb: timeouts (TMO-01, TMO-03) and,
// for HTTPS, the TLS configuration and TLS request headers. The certificate and trust store
// files are read here, so every Apply (a reload) serves new handshakes with the files as they
// are now; a file that does not load fails the Apply and the old configuration keeps serving.
func listenerOptions(cfg *config.Config, lb *config.LoadBalancer, l *config.Listener, acmeDir string) (listener.Options, error) {
	opts := listener.Options{
		IdleTimeout:         seconds(lb.Attribute(config.AttrIdleTimeoutSeconds)),
		ClientKeepAlive:     seconds(lb.Attribute(config.AttrClientKeepAliveSeconds)),
		MaxConnections:      atoi(lb.Attribute(config.AttrMaxConnections)),
		MaxConnectionsPerIP: atoi(lb.Attribute(config.AttrMaxConnectionsPerIP)),
	}
	if l.EffectiveProtocol() != config.ProtocolHTTPS {
		opts.ACMEHTTP01 = answersHTTP01(lb, l)
		return opts, nil
	}
	settings := tlsSettings(lb, l)
	settings.Owner = tlsconf.ARNOwner{Region: cfg.EffectiveRegion(), AccountID: cfg.EffectiveAccountID()}
	settings.ACME, settings.ACMEDefault = acmeSettings(l, acmeDir)
	tlsCfg, err := tlsconf.ServerConfig(settings)
	if err != nil {
		return listener.Options{}, err
	}
	opts.TLS = tlsCfg
	opts.TLSHeaders = tlsconf.Headers{
		VersionAndCipher: lb.Attribute(config.AttrTLSVersionAndCipherSuite) == "true",
		MTLSMode:         l.MutualAuthentication.EffectiveMode(),
		Names:            headerNames(l),
	}
	return opts, nil
}

// atoi reads a validated integer attribute; "" (not possible after defaults) gives 0, the
// listener's default.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// tlsSettings translates the listener's certificates, policy, mTLS and the load balancer's
// routing.http2.enabled (H2-01).
func tlsSettings(lb *config.LoadBalancer, l *config.Listener) tlsconf.Settings {
	s := tlsconf.Settings{Policy: l.SSLPolicy, HTTP2: lb.Attribute(config.AttrHTTP2Enabled) != "false"}
	for _, c := range l.Certificates {
		if c.ACME != nil {
			continue // acmeSettings
		}
		s.Certificates = append(s.Certificates, tlsconf.CertFile{CertificateFile: c.CertificateFile, PrivateKeyFile: c.PrivateKeyFile})
	}
	if m := l.MutualAuthentication; m != nil {
		s.MutualAuth = tlsconf.MutualAuth{
			Mode:                          m.EffectiveMode(),
			TrustStore:                    m.TrustStore,
			IgnoreClientCertificateExpiry: m.IgnoreClientCertificateExpiry,
			AdvertiseTrustStoreCANames:    m.AdvertiseTrustStoreCaNames == "on",
			RevocationLists:               m.TrustStoreRevocationLists,
		}
	}
	return s
}

// headerNames reads the header rename attributes of §10.2 (MTLS-07); unset ones stay "" and
// take the standard name.
func headerNames(l *config.Listener) tlsconf.HeaderNames {
	return tlsconf.HeaderNames{
		Clientcert:     l.Attribute(config.AttrRequestHeaderNameClientcert),
		SerialNumber:   l.Attribute(config.AttrRequestHeaderNameClientcertSerialNumber),
		Issuer:         l.Attribute(config.AttrRequestHeaderNameClientcertIssuer),
		Subject:        l.Attribute(config.AttrRequestHeaderNameClientcertSubject),
		Validity:       l.Attribute(config.AttrRequestHeaderNameClientcertValidity),
		Leaf:           l.Attribute(config.AttrRequestHeaderNameClientcertLeaf),
		TLSVersion:     l.Attribute(config.AttrRequestHeaderNameTLSVersion),
		TLSCipherSuite: l.Attribute(config.AttrRequestHeaderNameTLSCipherSuite),
	}
}
