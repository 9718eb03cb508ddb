package tlsconf

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestRevocationLists: in verify mode a client certificate on a trust store revocation list (or
// under a revoked intermediate) fails the handshake with ClientCertCrlHit (MTLS-03, MTLS-05),
// while the unrevoked ones, and every client in passthrough mode, are still served.
func TestRevocationLists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	site := certFile(t, tlstest.NewCA(t, "Server CA"), dir, "site", tlstest.Spec{CN: "site"})
	clientCA := tlstest.NewCA(t, "Client CA")
	intermediate := clientCA.Issue(t, tlstest.Spec{CN: "Client Intermediate", IsCA: true})
	badIntermediate := clientCA.Issue(t, tlstest.Spec{CN: "Revoked Intermediate", IsCA: true})
	alice := clientCA.Issue(t, tlstest.Spec{CN: "alice", Client: true})
	bob := clientCA.Issue(t, tlstest.Spec{CN: "bob", Client: true})
	carol := intermediate.Issue(t, tlstest.Spec{CN: "carol", Client: true})
	dave := badIntermediate.Issue(t, tlstest.Spec{CN: "dave", Client: true})
	trust := writeFile(t, dir, "trust.pem", clientCA.CertPEM())
	// Two lists of the root: one PEM, one DER.
	rootCRL := writeFile(t, dir, "root.crl", clientCA.CRL(t, bob))
	block, _ := pem.Decode(clientCA.CRL(t, badIntermediate))
	interCRL := writeFile(t, dir, "inter.crl", block.Bytes)

	testCases := []struct {
		desc   string
		mode   string
		client *tlstest.Cert
		ok     bool
	}{
		{desc: "unrevoked leaf of the root", mode: MTLSVerify, client: alice, ok: true},
		{desc: "revoked leaf", mode: MTLSVerify, client: bob},
		{desc: "unrevoked leaf under an intermediate", mode: MTLSVerify, client: carol, ok: true},
		{desc: "leaf under a revoked intermediate", mode: MTLSVerify, client: dave},
		{desc: "passthrough does not check", mode: MTLSPassthrough, client: bob, ok: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			m := MutualAuth{Mode: tc.mode}
			if tc.mode == MTLSVerify {
				m.TrustStore, m.RevocationLists = []string{trust}, []string{rootCRL, interCRL}
			}
			srv, err := ServerConfig(Settings{Certificates: []CertFile{site}, MutualAuth: m})
			if err != nil {
				t.Fatal(err)
			}
			c := tc.client.TLS()
			_, _, err = handshake(t, srv, &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{c}})
			if tc.ok {
				if err != nil {
					t.Fatalf("handshake failed: %v", err)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Code != "ClientCertCrlHit" {
				t.Fatalf("handshake error %v, want ClientCertCrlHit (MTLS-05)", err)
			}
		})
	}
}

// TestRevocationListErrors: lists that cannot be trusted or read are refused when loaded, so a
// forged list cannot lock clients out and a broken one is reported instead of ignored.
func TestRevocationListErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Client CA")
	impostor := tlstest.NewCA(t, "Client CA") // same name, other key
	other := tlstest.NewCA(t, "Other CA")
	trust := writeFile(t, dir, "trust.pem", ca.CertPEM())
	victim := ca.Issue(t, tlstest.Spec{CN: "alice", Client: true})
	testCases := []struct {
		desc, content, want string
	}{
		{desc: "forged signature", content: string(impostor.CRL(t, victim)), want: "signature"},
		{desc: "issuer outside the trust store", content: string(other.CRL(t)), want: "not a CA of the trust store"},
		{desc: "no CRL in a PEM file", content: string(ca.CertPEM()), want: "no X509 CRL"},
		{desc: "garbage DER", content: "\x30\x03\x02\x01", want: "revocation list"},
	}
	for i, tc := range testCases {
		f := writeFile(t, dir, "crl"+string(rune('a'+i)), []byte(tc.content))
		_, err := LoadRevocations([]string{f}, []string{trust})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.want)
		}
	}
	if _, err := LoadRevocations([]string{filepath.Join(dir, "missing.crl")}, []string{trust}); err == nil {
		t.Error("missing file: no error")
	}
	many := make([]string, MaxRevocationLists+1)
	for i := range many {
		many[i] = writeFile(t, dir, "many"+string(rune('A'+i))+".crl", ca.CRL(t))
	}
	if _, err := LoadRevocations(many, []string{trust}); err == nil || !strings.Contains(err.Error(), "MTLS-06") {
		t.Errorf("31 lists: error %v, want the MTLS-06 quota", err)
	}
}

// FuzzReadCRLs: no input makes the revocation list reader panic.
func FuzzReadCRLs(f *testing.F) {
	f.Add([]byte("-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n"))
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.crl")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = readCRLs(p)
	})
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
