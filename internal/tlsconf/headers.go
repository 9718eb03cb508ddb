package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HeaderNames are the names of the request headers carrying TLS and mTLS facts; each can be
// renamed per listener (MTLS-07, §10.2). The zero value of a field means the standard name.
type HeaderNames struct {
	Clientcert, SerialNumber, Issuer, Subject, Validity, Leaf, TLSVersion, TLSCipherSuite string
}

// withDefaults fills the standard names.
func (n HeaderNames) withDefaults() HeaderNames {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&n.Clientcert, "X-Amzn-Mtls-Clientcert")
	def(&n.SerialNumber, "X-Amzn-Mtls-Clientcert-Serial-Number")
	def(&n.Issuer, "X-Amzn-Mtls-Clientcert-Issuer")
	def(&n.Subject, "X-Amzn-Mtls-Clientcert-Subject")
	def(&n.Validity, "X-Amzn-Mtls-Clientcert-Validity")
	def(&n.Leaf, "X-Amzn-Mtls-Clientcert-Leaf")
	def(&n.TLSVersion, "X-Amzn-Tls-Version")
	def(&n.TLSCipherSuite, "X-Amzn-Tls-Cipher-Suite")
	return n
}

// list returns every name, in field order.
func (n HeaderNames) list() [8]string {
	return [...]string{n.Clientcert, n.SerialNumber, n.Issuer, n.Subject, n.Validity, n.Leaf, n.TLSVersion, n.TLSCipherSuite}
}

// standardNames are the AWS names of the headers.
var standardNames = HeaderNames{}.withDefaults()

// Headers says which TLS facts an HTTPS listener adds to requests. It is comparable.
type Headers struct {
	// VersionAndCipher is routing.http.x_amzn_tls_version_and_cipher_suite.enabled (TLS-06).
	VersionAndCipher bool
	// MTLSMode is the listener's mutual authentication mode: passthrough adds the chain
	// (MTLS-02), verify the leaf's facts (MTLS-03).
	MTLSMode string
	Names    HeaderNames
}

// Apply removes client-sent copies of every TLS header name, standard and renamed, so they
// cannot be forged, and sets the ones the listener's settings call for from the connection state.
func (h Headers) Apply(header http.Header, state *tls.ConnectionState) {
	n := h.Names.withDefaults()
	names, standard := n.list(), standardNames.list()
	for i, name := range names {
		header.Del(name)
		if standard[i] != name { // a renamed header: the standard name may be forged too
			header.Del(standard[i])
		}
	}
	if state == nil {
		return
	}
	if h.VersionAndCipher {
		header.Set(n.TLSVersion, VersionName(state.Version))
		header.Set(n.TLSCipherSuite, OpenSSLCipher(state.CipherSuite))
	}
	chain := state.PeerCertificates
	if len(chain) == 0 {
		return
	}
	switch h.MTLSMode {
	case MTLSPassthrough:
		header.Set(n.Clientcert, encodePEM(chain...))
	case MTLSVerify:
		leaf := chain[0]
		// The serial's bytes in upper-case hex, so whole bytes: 0x3A5B1 is 03A5B1 (MTLS-03).
		header.Set(n.SerialNumber, fmt.Sprintf("%X", leaf.SerialNumber.Bytes()))
		header.Set(n.Issuer, leaf.Issuer.String())
		header.Set(n.Subject, leaf.Subject.String())
		header.Set(n.Validity, "NotBefore="+leaf.NotBefore.UTC().Format(time.RFC3339)+";NotAfter="+leaf.NotAfter.UTC().Format(time.RFC3339))
		header.Set(n.Leaf, encodePEM(leaf))
	}
}

// encodePEM is the certificates as PEM, URL-encoded with '+', '=' and '/' left as they are
// (MTLS-02, decision §12.25 in docs/tls.md).
func encodePEM(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	s := url.QueryEscape(b.String())
	return strings.NewReplacer("%2B", "+", "%3D", "=", "%2F", "/", "+", "%20").Replace(s)
}

// VersionName is the OpenSSL name of a TLS version, e.g. TLSv1.2 (TLS-06).
func VersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return "-"
}
