package tlsconf

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// CertFile names a PEM certificate chain (leaf first) and its private key.
type CertFile struct {
	CertificateFile, PrivateKeyFile string
}

// entry is one loaded certificate and what SNI selection ranks it by (TLS-02).
type entry struct {
	cert  *tls.Certificate
	arn   string   // CertificateARN, for chosen_cert_arn (TLS-03)
	names []string // DNS SANs, or the subject CN when there are none; lower case
	ecdsa bool
	bits  int
	valid time.Duration // NotAfter - NotBefore
}

// Store is an HTTPS listener's certificates: the default (first) and the certificate list. It
// re-reads its files when they change on disk (checked at most once per RecheckInterval, on a
// handshake), so renewed certificates reach new handshakes without a reload or a dropped
// connection. It is safe for concurrent use.
type Store struct {
	files []CertFile
	owner ARNOwner

	mu      sync.Mutex
	entries []entry
	mtimes  []time.Time
	checked time.Time
	now     func() time.Time
}

// RecheckInterval is how often a Store looks at its files' modification times.
const RecheckInterval = 5 * time.Second

// LoadStore reads files; files[0] is the default certificate (TLS-01). Certificate ARNs take
// the default owner.
func LoadStore(files []CertFile) (*Store, error) {
	return loadStore(files, ARNOwner{})
}

func loadStore(files []CertFile, owner ARNOwner) (*Store, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("an HTTPS listener needs at least one certificate (TLS-01)")
	}
	s := &Store{files: files, owner: owner, now: time.Now}
	entries, mtimes, err := loadAll(files, owner)
	if err != nil {
		return nil, err
	}
	s.entries, s.mtimes, s.checked = entries, mtimes, s.now()
	return s, nil
}

func loadAll(files []CertFile, owner ARNOwner) ([]entry, []time.Time, error) {
	entries := make([]entry, len(files))
	mtimes := make([]time.Time, len(files))
	for i, f := range files {
		e, err := loadEntry(f, owner)
		if err != nil {
			return nil, nil, err
		}
		entries[i] = e
		mtimes[i] = modTime(f)
	}
	return entries, mtimes, nil
}

func loadEntry(f CertFile, owner ARNOwner) (entry, error) {
	pair, err := tls.LoadX509KeyPair(f.CertificateFile, f.PrivateKeyFile)
	if err != nil {
		return entry{}, fmt.Errorf("certificate %s: %w", f.CertificateFile, err)
	}
	if _, ok := pair.PrivateKey.(ed25519.PrivateKey); ok {
		return entry{}, fmt.Errorf("certificate %s: ED25519 keys are not supported (TLS-01)", f.CertificateFile)
	}
	leaf := pair.Leaf
	e := entry{cert: &pair, arn: CertificateARN(owner, leaf.Raw), valid: leaf.NotAfter.Sub(leaf.NotBefore)}
	for _, n := range leaf.DNSNames {
		e.names = append(e.names, strings.ToLower(n))
	}
	if len(e.names) == 0 && leaf.Subject.CommonName != "" {
		e.names = []string{strings.ToLower(leaf.Subject.CommonName)}
	}
	switch k := leaf.PublicKey.(type) {
	case *ecdsa.PublicKey:
		e.ecdsa, e.bits = true, k.Curve.Params().BitSize
	case *rsa.PublicKey:
		e.bits = k.N.BitLen()
	}
	return e, nil
}

func modTime(f CertFile) time.Time {
	var t time.Time
	for _, p := range []string{f.CertificateFile, f.PrivateKeyFile} {
		if st, err := os.Stat(p); err == nil && st.ModTime().After(t) {
			t = st.ModTime()
		}
	}
	return t
}

// current returns the entries, first re-reading the files if one changed since the last look.
// A file that no longer loads (say, half-written) keeps the previous certificates in service.
func (s *Store) current() []entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Sub(s.checked) < RecheckInterval {
		return s.entries
	}
	s.checked = now
	for i, f := range s.files {
		if !modTime(f).Equal(s.mtimes[i]) {
			if entries, mtimes, err := loadAll(s.files, s.owner); err == nil {
				s.entries, s.mtimes = entries, mtimes
			}
			break
		}
	}
	return s.entries
}

// GetCertificate picks the certificate for a handshake (TLS-02): no SNI or no match → the
// default; one match → it; several → the best the client supports, ECDSA before RSA, then the
// longest key, then the longest validity period. The default certificate takes part in the
// ranking like the listed ones (DescribeListenerCertificates lists it too; docs/tls.md). It fits
// tls.Config.GetCertificate. When the handshake's context carries an SNIResult
// (WithSNIResult), the choice is recorded there for the access log's domain_name and
// chosen_cert_arn (TLS-03).
func (s *Store) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	entries := s.current()
	chosen := bestMatch(entries, hello)
	matched := chosen != nil
	if !matched {
		chosen = &entries[0]
	}
	if r := SNIResultFrom(hello.Context()); r != nil {
		r.Record(matched, chosen.arn)
	}
	return chosen.cert, nil
}

// bestMatch ranks the listed certificates whose names match the SNI name and that the client
// can use; nil when none does.
func bestMatch(list []entry, hello *tls.ClientHelloInfo) *entry {
	sni := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if sni == "" {
		return nil
	}
	var best *entry
	for i := range list {
		e := &list[i]
		if !matchesAny(e.names, sni) || (hello.SupportsCertificate(e.cert) != nil && len(hello.SignatureSchemes) > 0) {
			continue
		}
		if best == nil || better(e, best) {
			best = e
		}
	}
	return best
}

// better orders two matching certificates as TLS-02 does.
func better(a, b *entry) bool {
	if a.ecdsa != b.ecdsa {
		return a.ecdsa
	}
	if a.bits != b.bits {
		return a.bits > b.bits
	}
	return a.valid > b.valid
}

// matchesAny reports whether sni matches one of names exactly or through a leading "*." label
// (which stands for exactly one label, as in RFC 6125).
func matchesAny(names []string, sni string) bool {
	for _, n := range names {
		if n == sni {
			return true
		}
		if rest, ok := strings.CutPrefix(n, "*."); ok {
			if _, parent, found := strings.Cut(sni, "."); found && parent == rest {
				return true
			}
		}
	}
	return false
}
