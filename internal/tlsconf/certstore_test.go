package tlsconf

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestSNISelection covers TLS-02: default without SNI or without a match, the one match, and the
// ranking among several (ECDSA before RSA, longer key, longer validity).
func TestSNISelection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Test CA")
	now := time.Now()
	files := []CertFile{
		certFile(t, ca, dir, "default", tlstest.Spec{CN: "default", DNSNames: []string{"default.test"}, Key: tlstest.RSA2048}),
		certFile(t, ca, dir, "api", tlstest.Spec{CN: "api", DNSNames: []string{"api.example.com"}, Key: tlstest.RSA2048}),
		certFile(t, ca, dir, "wild-rsa", tlstest.Spec{CN: "wild-rsa", DNSNames: []string{"*.shop.test"}, Key: tlstest.RSA2048}),
		certFile(t, ca, dir, "wild-ec", tlstest.Spec{CN: "wild-ec", DNSNames: []string{"*.shop.test"}, Key: tlstest.P256}),
		certFile(t, ca, dir, "rsa-small", tlstest.Spec{CN: "rsa-small", DNSNames: []string{"keys.test"}, Key: tlstest.RSA2048}),
		certFile(t, ca, dir, "rsa-big", tlstest.Spec{CN: "rsa-big", DNSNames: []string{"keys.test"}, Key: tlstest.RSA3072}),
		certFile(t, ca, dir, "short", tlstest.Spec{CN: "short", DNSNames: []string{"dates.test"}, NotAfter: now.Add(48 * time.Hour)}),
		certFile(t, ca, dir, "long", tlstest.Spec{CN: "long", DNSNames: []string{"dates.test"}, NotAfter: now.Add(96 * time.Hour)}),
		certFile(t, ca, dir, "weaker", tlstest.Spec{CN: "weaker", DNSNames: []string{"default.test"}, Key: tlstest.RSA2048, NotAfter: now.Add(2 * time.Hour)}),
	}
	store, err := LoadStore(files)
	if err != nil {
		t.Fatal(err)
	}
	srv := &tls.Config{GetCertificate: store.GetCertificate}
	testCases := []struct {
		desc, sni, want string
	}{
		{desc: "no SNI gets the default", sni: "", want: "default"},
		{desc: "unknown name gets the default", sni: "other.test", want: "default"},
		{desc: "exact match", sni: "api.example.com", want: "api"},
		{desc: "match is case-insensitive", sni: "API.Example.COM", want: "api"},
		{desc: "wildcard covers one label; ECDSA preferred over RSA", sni: "www.shop.test", want: "wild-ec"},
		{desc: "wildcard does not cover two labels", sni: "a.b.shop.test", want: "default"},
		{desc: "wildcard does not cover the bare parent", sni: "shop.test", want: "default"},
		{desc: "longer RSA key preferred", sni: "keys.test", want: "rsa-big"},
		{desc: "longer validity preferred", sni: "dates.test", want: "long"},
		{desc: "the default takes part in the ranking", sni: "default.test", want: "default"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			cli := &tls.Config{ServerName: tc.sni, InsecureSkipVerify: true}
			state, _, err := handshake(t, srv, cli)
			if err != nil {
				t.Fatal(err)
			}
			if got := state.PeerCertificates[0].Subject.CommonName; got != tc.want {
				t.Errorf("SNI %q: got certificate %q, want %q", tc.sni, got, tc.want)
			}
		})
	}
}

// TestSNISkipsCertificatesTheClientCannotUse: an RSA-only client is given the RSA certificate
// even though an ECDSA one ranks higher (TLS-02 "the best the client supports").
func TestSNISkipsCertificatesTheClientCannotUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Test CA")
	store, err := LoadStore([]CertFile{
		certFile(t, ca, dir, "default", tlstest.Spec{CN: "default", Key: tlstest.RSA2048}),
		certFile(t, ca, dir, "ec", tlstest.Spec{CN: "ec", DNSNames: []string{"x.test"}, Key: tlstest.P256}),
		certFile(t, ca, dir, "rsa", tlstest.Spec{CN: "rsa", DNSNames: []string{"x.test"}, Key: tlstest.RSA2048}),
	})
	if err != nil {
		t.Fatal(err)
	}
	cli := &tls.Config{
		ServerName: "x.test", InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
	}
	state, _, err := handshake(t, &tls.Config{GetCertificate: store.GetCertificate}, cli)
	if err != nil {
		t.Fatal(err)
	}
	if got := state.PeerCertificates[0].Subject.CommonName; got != "rsa" {
		t.Errorf("got %q, want rsa", got)
	}
}

// TestStoreReloadsChangedFiles: replaced files reach new handshakes after RecheckInterval, and a
// broken replacement keeps the old certificate in service.
func TestStoreReloadsChangedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Test CA")
	f := certFile(t, ca, dir, "site", tlstest.Spec{CN: "first"})
	store, err := LoadStore([]CertFile{f})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	store.now = func() time.Time { return clock }
	served := func() string {
		c, err := store.GetCertificate(&tls.ClientHelloInfo{})
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Subject.CommonName
	}
	later := time.Now().Add(time.Minute)
	certFile(t, ca, dir, "site", tlstest.Spec{CN: "second"})
	for _, p := range []string{f.CertificateFile, f.PrivateKeyFile} {
		_ = os.Chtimes(p, later, later)
	}
	if got := served(); got != "first" {
		t.Errorf("before the recheck interval: got %q, want first", got)
	}
	clock = clock.Add(RecheckInterval)
	if got := served(); got != "second" {
		t.Errorf("after the interval: got %q, want second", got)
	}
	if err := os.WriteFile(f.CertificateFile, []byte("half-written"), 0o600); err != nil {
		t.Fatal(err)
	}
	later = later.Add(time.Minute)
	_ = os.Chtimes(f.CertificateFile, later, later)
	clock = clock.Add(RecheckInterval)
	if got := served(); got != "second" {
		t.Errorf("after a broken replacement: got %q, want second kept", got)
	}
}

// TestStoreRefusesED25519 (TLS-01): also when such a key arrives by a file replacement.
func TestStoreRefusesED25519(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(priv)
	dir := t.TempDir()
	f := CertFile{CertificateFile: filepath.Join(dir, "ed.pem"), PrivateKeyFile: filepath.Join(dir, "ed.key")}
	_ = os.WriteFile(f.CertificateFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(f.PrivateKeyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	if _, err := LoadStore([]CertFile{f}); err == nil || !strings.Contains(err.Error(), "ED25519") {
		t.Errorf("LoadStore: %v, want the ED25519 refusal", err)
	}
}
