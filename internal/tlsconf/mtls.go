package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// Mutual authentication modes (MTLS-01).
const (
	MTLSOff         = "off"
	MTLSPassthrough = "passthrough"
	MTLSVerify      = "verify"
)

// MutualAuth is a listener's MutualAuthentication (MTLS-01). The zero value is mode off.
type MutualAuth struct {
	// Mode is off, passthrough or verify; "" means off.
	Mode string
	// TrustStore are PEM files of CA certificates, used in verify mode (at most 25, MTLS-06).
	TrustStore []string
	// IgnoreClientCertificateExpiry accepts expired (and not yet valid) client certificates.
	IgnoreClientCertificateExpiry bool
	// AdvertiseTrustStoreCANames sends the trust store's subject names in the CertificateRequest.
	AdvertiseTrustStoreCANames bool
	// RevocationLists are CRL files (PEM or DER) signed by trust store CAs, used in verify mode:
	// a client whose chain holds a listed serial fails the handshake (MTLS-03, MTLS-05).
	RevocationLists []string
}

// maxChainDepth is the longest client chain accepted in verify mode, leaf included (MTLS-06).
const maxChainDepth = 4

// MaxTrustStoreCAs is the quota of CA certificates per trust store (MTLS-06).
const MaxTrustStoreCAs = 25

// LoadTrustStore reads the CA certificates of PEM files into a pool.
func LoadTrustStore(files []string) (*x509.CertPool, error) {
	certs, err := readCAs(files)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// CountCACertificates reads the trust store files and reports how many CA certificates they
// hold, or why they cannot be used.
func CountCACertificates(files []string) (int, error) {
	certs, err := readCAs(files)
	return len(certs), err
}

func readCAs(files []string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("trust store: %w", err)
		}
		for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
			if block.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("trust store %s: %w", f, err)
			}
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		return nil, errors.New("trust store: no CA certificate found")
	}
	return certs, nil
}

// applyMutualAuth sets the client-certificate side of cfg. Passthrough asks for a certificate
// but neither requires nor checks it (MTLS-02); verify requires one that chains to the trust
// store, checked by verifyClient so that expiry can be ignored. Session resumption is off in
// both modes (MTLS-04).
func applyMutualAuth(cfg *tls.Config, m MutualAuth) error {
	switch m.Mode {
	case "", MTLSOff:
		return nil
	case MTLSPassthrough:
		cfg.ClientAuth = tls.RequestClientCert
	case MTLSVerify:
		pool, err := LoadTrustStore(m.TrustStore)
		if err != nil {
			return err
		}
		revoked, err := LoadRevocations(m.RevocationLists, m.TrustStore)
		if err != nil {
			return err
		}
		cfg.ClientAuth = tls.RequireAnyClientCert
		if m.AdvertiseTrustStoreCANames {
			// With RequireAnyClientCert, ClientCAs only fills the CertificateRequest's names.
			cfg.ClientCAs = pool
		}
		cfg.VerifyPeerCertificate = verifyClient(pool, revoked, m.IgnoreClientCertificateExpiry)
	default:
		return fmt.Errorf("mutual authentication mode %q: want off, passthrough or verify", m.Mode)
	}
	cfg.SessionTicketsDisabled = true
	return nil
}

// VerifyError is a failed client certificate verification in verify mode. Code is the reason as
// the connection log's tls_verify_status would give it after "Failed:" (MTLS-05), e.g.
// ClientCertExpired.
type VerifyError struct {
	Code string
	Err  error
}

func (e *VerifyError) Error() string {
	if e.Err == nil {
		return e.Code
	}
	return e.Code + ": " + e.Err.Error()
}

func (e *VerifyError) Unwrap() error { return e.Err }

// verifyClient checks the client chain against pool for client authentication and against the
// revocation lists (MTLS-03). A failure, a *VerifyError, fails the handshake: no HTTP response
// is sent (MTLS-05).
func verifyClient(pool *x509.CertPool, revocations *Revocations, ignoreExpiry bool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return &VerifyError{Code: "ClientCertUntrusted", Err: errors.New("no client certificate")}
		}
		if len(raw) > maxChainDepth {
			return &VerifyError{Code: "ClientCertMaxChainDepthExceeded"}
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, b := range raw {
			c, err := x509.ParseCertificate(b)
			if err != nil {
				return &VerifyError{Code: "ClientCertInvalid", Err: err}
			}
			certs[i] = c
		}
		opts := x509.VerifyOptions{
			Roots:         pool,
			Intermediates: x509.NewCertPool(),
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		for _, c := range certs[1:] {
			opts.Intermediates.AddCert(c)
		}
		leaf, now := certs[0], time.Now()
		if outside := now.After(leaf.NotAfter) || now.Before(leaf.NotBefore); outside && ignoreExpiry {
			// Verify as of a moment inside the leaf's validity, so only its dates are forgiven.
			opts.CurrentTime = leaf.NotAfter.Add(-time.Second)
		}
		chains, err := leaf.Verify(opts)
		if err != nil {
			return &VerifyError{Code: verifyCode(err, leaf, opts.CurrentTime), Err: err}
		}
		for _, chain := range chains {
			if c, hit := revocations.revoked(chain); hit {
				return crlHit(c)
			}
		}
		return nil
	}
}

// verifyCode names a verification failure as the connection log does (MTLS-05).
func verifyCode(err error, leaf *x509.Certificate, at time.Time) string {
	if at.IsZero() {
		at = time.Now()
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		switch {
		case invalid.Reason == x509.Expired && at.Before(leaf.NotBefore):
			return "ClientCertNotYetValid"
		case invalid.Reason == x509.Expired:
			return "ClientCertExpired"
		case invalid.Reason == x509.IncompatibleUsage:
			return "ClientCertPurposeInvalid"
		}
		return "ClientCertInvalid"
	}
	return "ClientCertUntrusted"
}
