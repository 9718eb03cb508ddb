package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// ACME challenge types an ACME certificate can be validated with.
const (
	ChallengeTLSALPN01 = "tls-alpn-01"
	ChallengeHTTP01    = "http-01"
)

// ACME is a certificate of an HTTPS listener that Albatross gets and renews itself from an
// ACME directory (Albatross's own, not an ALB feature). The protocol, the account, issuance on
// the first handshake for a name, renewal before expiry and the on-disk cache are
// golang.org/x/crypto/acme/autocert's.
type ACME struct {
	// Domains are the names certificates are obtained for; a handshake for another name never
	// starts an issuance.
	Domains []string
	// DirectoryURL is the ACME directory, e.g. https://acme-v02.api.letsencrypt.org/directory.
	DirectoryURL string
	// Email is the account's contact; "" registers without one.
	Email string
	// Challenge is ChallengeTLSALPN01 (answered on the HTTPS listener itself) or ChallengeHTTP01
	// (answered on an HTTP listener through HTTP01Handler); "" means ChallengeTLSALPN01.
	Challenge string
	// CARoots is a PEM file of the roots trusted for the directory's HTTPS (a private CA such as
	// pebble's); "" means the system roots.
	CARoots string
	// CacheDir keeps the account key and the certificates, so a restart reuses them.
	CacheDir string
	// RenewBefore is how long before expiry a certificate is renewed; 0 means autocert's
	// default, a third of its lifetime (at most 30 days).
	RenewBefore time.Duration
}

// acmeCert is one ACME entry in service: its manager and normalised names.
type acmeCert struct {
	m     *autocert.Manager
	names []string // lower case, no trailing dot
	http  bool     // validated with http-01
}

// managers keeps one autocert.Manager per distinct ACME entry for the life of the process.
// A configuration reload builds a new tls.Config; reusing the manager keeps its certificates in
// memory and, above all, its single renewal timer per name (a new Manager per reload would
// leave the old one's timers renewing in the background).
var managers = struct {
	sync.Mutex
	byKey map[string]*acmeCert
}{byKey: map[string]*acmeCert{}}

func (a ACME) key() string {
	return fmt.Sprintf("%q|%s|%s|%s|%s|%s|%s", a.Domains, a.DirectoryURL, a.Email, a.challenge(), a.CARoots, a.CacheDir, a.RenewBefore)
}

func (a ACME) challenge() string {
	if a.Challenge == "" {
		return ChallengeTLSALPN01
	}
	return a.Challenge
}

// loadACME returns the manager of a, made on first use.
func loadACME(a ACME) (*acmeCert, error) {
	if len(a.Domains) == 0 || a.DirectoryURL == "" || a.CacheDir == "" {
		return nil, errors.New("acme: domains, directory_url and a cache directory are required")
	}
	if c := a.challenge(); c != ChallengeTLSALPN01 && c != ChallengeHTTP01 {
		return nil, fmt.Errorf("acme: challenge %q: want %s or %s", a.Challenge, ChallengeTLSALPN01, ChallengeHTTP01)
	}
	managers.Lock()
	defer managers.Unlock()
	k := a.key()
	if c, ok := managers.byKey[k]; ok {
		return c, nil
	}
	client := &acme.Client{DirectoryURL: a.DirectoryURL, UserAgent: "albatross"}
	if a.CARoots != "" {
		pem, err := os.ReadFile(a.CARoots)
		if err != nil {
			return nil, fmt.Errorf("acme ca_roots: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("acme ca_roots %s: no PEM certificate found", a.CARoots)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		client.HTTPClient = &http.Client{Transport: tr, Timeout: time.Minute}
	}
	if err := os.MkdirAll(a.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("acme cache: %w", err)
	}
	c := &acmeCert{
		m: &autocert.Manager{
			Prompt:      autocert.AcceptTOS,
			Cache:       autocert.DirCache(a.CacheDir),
			HostPolicy:  autocert.HostWhitelist(a.Domains...),
			Client:      client,
			Email:       a.Email,
			RenewBefore: a.RenewBefore,
		},
		http: a.challenge() == ChallengeHTTP01,
	}
	for _, d := range a.Domains {
		c.names = append(c.names, normalizeName(d))
	}
	if c.http {
		// HTTPHandler is what turns http-01 on in autocert; the handler itself is reached
		// through HTTP01Handler, which picks the manager by Host.
		c.m.HTTPHandler(nil)
	}
	managers.byKey[k] = c
	return c, nil
}

func normalizeName(n string) string { return strings.ToLower(strings.TrimSuffix(n, ".")) }

// ACMEChallengePath is the path prefix of http-01 challenge requests (RFC 8555 §8.3).
const ACMEChallengePath = "/.well-known/acme-challenge/"

// HTTP01Handler answers http-01 challenge requests (paths under ACMEChallengePath) for the
// domains of every ACME entry validated with http-01, and reports false without writing when
// the request is not one: another path, or a Host no such entry names.
func HTTP01Handler(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, ACMEChallengePath) {
		return false
	}
	host := r.Host
	if h, _, found := strings.Cut(host, ":"); found && !strings.HasPrefix(host, "[") {
		host = h
	}
	host = normalizeName(host)
	managers.Lock()
	var c *acmeCert
	for _, m := range managers.byKey {
		if m.http && slices.Contains(m.names, host) {
			c = m
			break
		}
	}
	managers.Unlock()
	if c == nil {
		return false
	}
	// autocert checks Host against its host policy as is; a validation on another port than
	// 80 carries the port, which the policy would refuse.
	r = r.Clone(r.Context())
	r.Host = host
	c.m.HTTPHandler(nil).ServeHTTP(w, r)
	return true
}

// ACMEALPNProto is the ALPN protocol of tls-alpn-01 validations; a connection that negotiated
// it carries no HTTP.
const ACMEALPNProto = acme.ALPNProto

// isALPNChallenge reports whether hello is an ACME server's tls-alpn-01 validation (RFC 8737),
// which offers exactly the acme-tls/1 protocol.
func isALPNChallenge(hello *tls.ClientHelloInfo) bool {
	return len(hello.SupportedProtos) == 1 && hello.SupportedProtos[0] == acme.ALPNProto
}

// selector is the certificate selection of a listener with ACME entries: the certificate files
// (nil when there are none) and the ACME entries, in configuration order.
type selector struct {
	files *Store
	owner ARNOwner // of the ACME certificates' ARNs
	acme  []*acmeCert
	// acmeDefault: the default certificate (the first entry, TLS-01) is acme[0]'s first domain.
	acmeDefault bool
}

// GetCertificate extends Store.GetCertificate (TLS-02) with ACME entries: a tls-alpn-01
// validation gets the challenge certificate of the entry naming its SNI; otherwise a
// certificate file matching the SNI name is ranked as usual, then an ACME entry naming it
// serves (and on first use obtains) its certificate, then the default.
func (s *selector) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	sni := normalizeName(hello.ServerName)
	if isALPNChallenge(hello) {
		for _, a := range s.acme {
			if !a.http && slices.Contains(a.names, sni) {
				return a.m.GetCertificate(hello)
			}
		}
		return nil, fmt.Errorf("acme: no tls-alpn-01 entry for %q", sni)
	}
	r := SNIResultFrom(hello.Context())
	if r == nil {
		r = new(SNIResult) // nowhere to record: a throwaway keeps the code below simple
	}
	if s.files != nil {
		if best := bestMatch(s.files.current(), hello); best != nil {
			r.Record(true, best.arn)
			return best.cert, nil
		}
	}
	for _, a := range s.acme {
		if sni != "" && slices.Contains(a.names, sni) {
			return s.acmeRecorded(r, true, a, hello)
		}
	}
	if s.files != nil && !s.acmeDefault {
		def := s.files.current()[0]
		r.Record(false, def.arn)
		return def.cert, nil
	}
	def := *hello
	def.ServerName = s.acme[0].names[0]
	return s.acmeRecorded(r, false, s.acme[0], &def)
}

// acmeRecorded answers with a's certificate and records it with its ARN (chosen_cert_arn), which
// changes with every renewal as the certificate does.
func (s *selector) acmeRecorded(r *SNIResult, matched bool, a *acmeCert, hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	c, err := a.m.GetCertificate(hello)
	arn := ""
	if err == nil && c != nil && len(c.Certificate) > 0 {
		arn = CertificateARN(s.owner, c.Certificate[0])
	}
	r.Record(matched, arn)
	return c, err
}

// acmeProtos adds acme-tls/1 to a listener's ALPN list when an entry answers tls-alpn-01, so
// that validation handshakes can negotiate it; clients never offer it.
func acmeProtos(protos []string, entries []*acmeCert) []string {
	for _, a := range entries {
		if !a.http {
			return append(protos, acme.ALPNProto)
		}
	}
	return protos
}
