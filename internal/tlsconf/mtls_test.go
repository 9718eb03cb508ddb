package tlsconf

import (
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestMutualAuthentication covers MTLS-01..05: passthrough takes any certificate (or none),
// verify takes only chains to the trust store, fails the handshake otherwise, and forgives
// expiry only when told to.
func TestMutualAuthentication(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	serverCA := tlstest.NewCA(t, "Server CA")
	site := certFile(t, serverCA, dir, "site", tlstest.Spec{CN: "site"})
	clientCA := tlstest.NewCA(t, "Client CA")
	intermediate := clientCA.Issue(t, tlstest.Spec{CN: "Client Intermediate", IsCA: true})
	trust := filepath.Join(dir, "trust.pem")
	if err := os.WriteFile(trust, clientCA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	good := intermediate.Issue(t, tlstest.Spec{CN: "alice", Client: true})
	expired := clientCA.Issue(t, tlstest.Spec{CN: "old", Client: true,
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	future := clientCA.Issue(t, tlstest.Spec{CN: "future", Client: true,
		NotBefore: time.Now().Add(24 * time.Hour), NotAfter: time.Now().Add(48 * time.Hour)})
	stranger := tlstest.NewCA(t, "Other CA").Issue(t, tlstest.Spec{CN: "mallory", Client: true})
	serverOnly := clientCA.Issue(t, tlstest.Spec{CN: "server-usage"})

	testCases := []struct {
		desc   string
		mutual MutualAuth
		client *tlstest.Cert
		ok     bool
		code   string // the VerifyError code of a refused client
	}{
		{desc: "passthrough without a certificate", mutual: MutualAuth{Mode: MTLSPassthrough}, ok: true},
		{desc: "passthrough with an untrusted certificate", mutual: MutualAuth{Mode: MTLSPassthrough}, client: stranger, ok: true},
		{desc: "verify with a chain through an intermediate", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}, client: good, ok: true},
		{desc: "verify without a certificate", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}},
		{desc: "verify with an untrusted certificate", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}, client: stranger, code: "ClientCertUntrusted"},
		{desc: "verify with a server-auth-only certificate", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}, client: serverOnly, code: "ClientCertPurposeInvalid"},
		{desc: "verify with an expired certificate", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}, client: expired, code: "ClientCertExpired"},
		{desc: "verify with a certificate not yet valid", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}}, client: future, code: "ClientCertNotYetValid"},
		{desc: "verify ignoring expiry", mutual: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}, IgnoreClientCertificateExpiry: true}, client: expired, ok: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			srv, err := ServerConfig(Settings{Certificates: []CertFile{site}, MutualAuth: tc.mutual})
			if err != nil {
				t.Fatal(err)
			}
			if !srv.SessionTicketsDisabled {
				t.Error("session resumption on with mTLS (MTLS-04)")
			}
			cli := &tls.Config{InsecureSkipVerify: true}
			if tc.client != nil {
				c := tc.client.TLS()
				cli.Certificates = []tls.Certificate{c}
			}
			_, _, err = handshake(t, srv, cli)
			if (err == nil) != tc.ok {
				t.Errorf("handshake error %v, want success=%v", err, tc.ok)
			}
			var ve *VerifyError
			if tc.code != "" && (!errors.As(err, &ve) || ve.Code != tc.code) {
				t.Errorf("handshake error %v, want code %s (MTLS-05)", err, tc.code)
			}
		})
	}
}

// TestAdvertiseTrustStoreCANames: the CertificateRequest lists the trust store's subjects only
// when AdvertiseTrustStoreCANames is on.
func TestAdvertiseTrustStoreCANames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	site := certFile(t, tlstest.NewCA(t, "Server CA"), dir, "site", tlstest.Spec{CN: "site"})
	clientCA := tlstest.NewCA(t, "Client CA")
	trust := filepath.Join(dir, "trust.pem")
	if err := os.WriteFile(trust, clientCA.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	client := clientCA.Issue(t, tlstest.Spec{CN: "alice", Client: true}).TLS()
	for _, advertise := range []bool{false, true} {
		srv, err := ServerConfig(Settings{Certificates: []CertFile{site},
			MutualAuth: MutualAuth{Mode: MTLSVerify, TrustStore: []string{trust}, AdvertiseTrustStoreCANames: advertise}})
		if err != nil {
			t.Fatal(err)
		}
		var names int
		cli := &tls.Config{InsecureSkipVerify: true, GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			names = len(cri.AcceptableCAs)
			return &client, nil
		}}
		if _, _, err := handshake(t, srv, cli); err != nil {
			t.Fatal(err)
		}
		if (names > 0) != advertise {
			t.Errorf("advertise=%v: %d CA names sent", advertise, names)
		}
	}
}

func TestTrustStoreErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	_ = os.WriteFile(empty, []byte("no pem here"), 0o600)
	for _, files := range [][]string{{filepath.Join(dir, "missing.pem")}, {empty}, nil} {
		if _, err := LoadTrustStore(files); err == nil {
			t.Errorf("LoadTrustStore(%v): no error", files)
		}
	}
}
