package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestHeaders covers TLS-06, MTLS-02, MTLS-03 and MTLS-07 on a fixed connection state.
func TestHeaders(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "Client CA")
	inter := ca.Issue(t, tlstest.Spec{CN: "Inter", IsCA: true})
	nb := time.Date(2023, 9, 21, 1, 50, 17, 0, time.UTC)
	leaf := inter.Issue(t, tlstest.Spec{CN: "alice", Client: true, Serial: 0x03A5B1, NotBefore: nb, NotAfter: nb.AddDate(1, 0, 0)})
	state := &tls.ConnectionState{
		Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		PeerCertificates: leaf.Chain(),
	}
	testCases := []struct {
		desc    string
		h       Headers
		want    map[string]string
		missing []string
	}{
		{desc: "off: forged copies removed, nothing added", h: Headers{},
			missing: []string{"X-Amzn-Tls-Version", "X-Amzn-Mtls-Clientcert", "X-Amzn-Mtls-Clientcert-Subject"}},
		{desc: "TLS-06 version and cipher", h: Headers{VersionAndCipher: true},
			want: map[string]string{"X-Amzn-Tls-Version": "TLSv1.2", "X-Amzn-Tls-Cipher-Suite": "ECDHE-RSA-AES128-GCM-SHA256"}},
		{desc: "MTLS-07 renamed", h: Headers{VersionAndCipher: true, Names: HeaderNames{TLSVersion: "x-tls-ver"}},
			want: map[string]string{"X-Tls-Ver": "TLSv1.2"}, missing: []string{"X-Amzn-Tls-Version"}},
		{desc: "MTLS-03 verify", h: Headers{MTLSMode: MTLSVerify},
			want: map[string]string{
				"X-Amzn-Mtls-Clientcert-Serial-Number": "03A5B1",
				"X-Amzn-Mtls-Clientcert-Subject":       "CN=alice,O=Albatross Test",
				"X-Amzn-Mtls-Clientcert-Issuer":        "CN=Inter,O=Albatross Test",
				"X-Amzn-Mtls-Clientcert-Validity":      "NotBefore=2023-09-21T01:50:17Z;NotAfter=2024-09-21T01:50:17Z",
			}, missing: []string{"X-Amzn-Mtls-Clientcert"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, n := range []string{"X-Amzn-Tls-Version", "X-Amzn-Mtls-Clientcert", "X-Amzn-Mtls-Clientcert-Subject", "X-Tls-Ver"} {
				h.Set(n, "forged")
			}
			tc.h.Apply(h, state)
			for k, v := range tc.want {
				if got := h.Values(k); len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tc.missing {
				if got := h.Get(k); got != "" {
					t.Errorf("%s = %q, want absent", k, got)
				}
			}
		})
	}
}

// TestClientcertEncoding (MTLS-02, decision §12.25): URL-encoded PEM, leaf first, '+', '=' and
// '/' unencoded, and decodable back to the same chain.
func TestClientcertEncoding(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "Client CA")
	inter := ca.Issue(t, tlstest.Spec{CN: "Inter", IsCA: true})
	leaf := inter.Issue(t, tlstest.Spec{CN: "alice", Client: true})
	h := http.Header{}
	Headers{MTLSMode: MTLSPassthrough}.Apply(h, &tls.ConnectionState{PeerCertificates: leaf.Chain()})
	v := h.Get("X-Amzn-Mtls-Clientcert")
	if !strings.HasPrefix(v, "-----BEGIN%20CERTIFICATE-----%0A") || strings.ContainsAny(v, " \n") {
		t.Fatalf("not URL-encoded PEM: %.60s", v)
	}
	if strings.Contains(v, "%2B") || strings.Contains(v, "%3D") || strings.Contains(v, "%2F") {
		t.Errorf("'+', '=' or '/' encoded: %s", v)
	}
	decoded, err := url.PathUnescape(v)
	if err != nil {
		t.Fatal(err)
	}
	var got []*x509.Certificate
	for b, rest := pem.Decode([]byte(decoded)); b != nil; b, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if len(got) != 2 || !got[0].Equal(leaf.Leaf) || !got[1].Equal(inter.Leaf) {
		t.Errorf("decoded %d certificates, want leaf then intermediate", len(got))
	}
}
