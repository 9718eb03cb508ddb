// Package tlstest makes certificates for tests at run time (never committed keys): a CA, server
// and client certificates with RSA or ECDSA keys, written as PEM files.
package tlstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Key kinds.
const (
	RSA2048 = "rsa2048"
	RSA3072 = "rsa3072"
	P256    = "p256"
	P384    = "p384"
)

// Cert is a certificate, its key and the CA chain above it.
type Cert struct {
	Leaf  *x509.Certificate
	Key   crypto.Signer
	chain []*x509.Certificate // issuers, nearest first, root excluded
}

// Spec describes a certificate to issue.
type Spec struct {
	// CN is the subject common name; DNSNames are the SANs.
	CN       string
	DNSNames []string
	// Key is one of the key kinds; "" means P256.
	Key string
	// NotBefore and NotAfter default to an hour ago and a day from now (a month ago and a year
	// from now for CAs).
	NotBefore, NotAfter time.Time
	// IsCA makes a CA; Client makes a client-authentication certificate.
	IsCA, Client bool
	// Serial is the serial number; 0 means random.
	Serial int64
}

func newKey(t testing.TB, kind string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch kind {
	case RSA2048:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		k, err = rsa.GenerateKey(rand.Reader, 3072)
	case P384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewCA makes a self-signed root CA.
func NewCA(t testing.TB, cn string) *Cert {
	t.Helper()
	return issue(t, Spec{CN: cn, IsCA: true}, nil)
}

// Issue makes a certificate signed by c (a CA).
func (c *Cert) Issue(t testing.TB, s Spec) *Cert {
	t.Helper()
	return issue(t, s, c)
}

func issue(t testing.TB, s Spec, parent *Cert) *Cert {
	t.Helper()
	key := newKey(t, s.Key)
	serial := big.NewInt(s.Serial)
	if s.Serial == 0 {
		serial, _ = rand.Int(rand.Reader, big.NewInt(1<<62))
	}
	if s.NotBefore.IsZero() {
		s.NotBefore = time.Now().Add(-time.Hour)
		if s.IsCA {
			s.NotBefore = time.Now().AddDate(0, -1, 0) // older than the certificates it signs
		}
	}
	if s.NotAfter.IsZero() {
		s.NotAfter = time.Now().Add(24 * time.Hour)
		if s.IsCA {
			s.NotAfter = time.Now().AddDate(1, 0, 0)
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: s.CN, Organization: []string{"Albatross Test"}},
		DNSNames: s.DNSNames, NotBefore: s.NotBefore, NotAfter: s.NotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if s.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if s.IsCA {
		tmpl.IsCA, tmpl.KeyUsage, tmpl.ExtKeyUsage = true, x509.KeyUsageCertSign|x509.KeyUsageCRLSign|x509.KeyUsageDigitalSignature, nil
	}
	signer, parentCert := key, tmpl
	var chain []*x509.Certificate
	if parent != nil {
		signer, parentCert = parent.Key, parent.Leaf
		if !isRoot(parent.Leaf) {
			chain = append([]*x509.Certificate{parent.Leaf}, parent.chain...)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Leaf: leaf, Key: key, chain: chain}
}

func isRoot(c *x509.Certificate) bool { return c.Subject.String() == c.Issuer.String() }

// Chain is the leaf followed by its intermediate CAs (not the root).
func (c *Cert) Chain() []*x509.Certificate {
	return append([]*x509.Certificate{c.Leaf}, c.chain...)
}

// TLS is c as a tls.Certificate, for clients presenting it.
func (c *Cert) TLS() tls.Certificate {
	out := tls.Certificate{PrivateKey: c.Key, Leaf: c.Leaf}
	for _, x := range c.Chain() {
		out.Certificate = append(out.Certificate, x.Raw)
	}
	return out
}

// CertPEM is the chain as PEM.
func (c *Cert) CertPEM() []byte {
	var out []byte
	for _, x := range c.Chain() {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: x.Raw})...)
	}
	return out
}

// KeyPEM is the private key as PKCS #8 PEM.
func (c *Cert) KeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// WriteFiles writes the chain and key under dir as <name>.pem and <name>.key and returns the
// two paths.
func (c *Cert) WriteFiles(t testing.TB, dir, name string) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, c.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, c.KeyPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// Pool is a cert pool holding the given certificates (a client's roots).
func Pool(certs ...*Cert) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c.Leaf)
	}
	return p
}

// CRL is a PEM certificate revocation list signed by c (a CA) that revokes the given
// certificates.
func (c *Cert) CRL(t testing.TB, revoked ...*Cert) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(24 * time.Hour)}
	for _, r := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: r.Leaf.SerialNumber, RevocationTime: time.Now().Add(-time.Minute)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, c.Leaf, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}
