package elbv2

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// TestListenerCertificateARNs: DescribeListenerCertificates and DescribeListeners show each
// certificate by the ACM-style ARN derived from it, the one the access log's chosen_cert_arn
// carries (TLS-03), not by its file path; the ARN is pinned so that it survives restarts and
// upgrades.
func TestListenerCertificateARNs(t *testing.T) {
	certFile, err := filepath.Abs(filepath.Join("testdata", "listener-cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	file := &config.Config{Region: "eu-west-1", AccountID: "123456789012", LoadBalancers: []config.LoadBalancer{{
		Name: "tls-lb",
		Listeners: []config.Listener{{Port: 443, Protocol: "HTTPS",
			Certificates:   []config.Certificate{{CertificateFile: certFile, PrivateKeyFile: certFile}},
			DefaultActions: []config.Action{{Type: "fixed-response", FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200"}}}}},
	}}}
	api := newTestAPI(t, file)
	const want = "arn:aws:acm:eu-west-1:123456789012:certificate/"
	derived, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{Region: "eu-west-1", AccountID: "123456789012"}, certFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(derived, want) {
		t.Fatalf("derived ARN %s", derived)
	}
	listenerARN := file.ListenerARN("tls-lb", "", 443)
	for _, tc := range []struct{ action, pair, golden string }{
		{"DescribeListenerCertificates", "ListenerArn=" + listenerARN, "listener-certificates.xml"},
		{"DescribeListeners", "ListenerArns.member.1=" + listenerARN, "listener-https.xml"},
	} {
		status, body := api.call(tc.action, tc.pair)
		if status != 200 || !strings.Contains(body, "<CertificateArn>"+derived+"</CertificateArn>") || strings.Contains(body, certFile) {
			t.Errorf("%s: %d, want the derived ARN %s and no file path:\n%s", tc.action, status, derived, body)
		}
		path := filepath.Join("testdata", tc.golden)
		if *update {
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		golden, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(golden) != body {
			t.Errorf("%s differs from %s (run with -update to accept):\n%s", tc.action, path, body)
		}
	}
}

// TestHTTPSListenerThroughTheAPI: CreateListener and ModifyListener name a certificate by the
// ARN Albatross derives from it, found on a listener of the file or in the certificate folder;
// the listener keeps that certificate's files and shows the same ARN. Switching to HTTP drops
// the certificate; switching back needs one again.
func TestHTTPSListenerThroughTheAPI(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	fileCert, fileKey := writeKeyPair(t, t.TempDir(), "file")
	writeKeyPair(t, folder, "other")
	fixed := []config.Action{{Type: "fixed-response", FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200"}}}
	file := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "file-lb", Listeners: []config.Listener{{Port: 443, Protocol: "HTTPS",
		Certificates: []config.Certificate{{CertificateFile: fileCert, PrivateKeyFile: fileKey}}, DefaultActions: fixed}}}}}
	api := newTestAPI(t, file)
	api.h = controlapi.WithRequestID(New(Options{Store: api.store, CertificateDir: folder}))
	arn, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{}, fileCert)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := api.call("CreateLoadBalancer", "Name=api-lb"); status != 200 {
		t.Fatalf("CreateLoadBalancer: %d %s", status, body)
	}
	lbARN := api.store.Snapshot().LoadBalancers[len(api.store.Snapshot().LoadBalancers)-1].ARN
	create := func(port, certARN string) (int, string) {
		return api.call("CreateListener", "LoadBalancerArn="+lbARN, "Port="+port, "Protocol=HTTPS",
			"Certificates.member.1.CertificateArn="+certARN,
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200")
	}
	status, body := create("8443", arn)
	if status != 200 || !strings.Contains(body, "<CertificateArn>"+arn+"</CertificateArn>") || !strings.Contains(body, "<Protocol>HTTPS</Protocol>") {
		t.Fatalf("CreateListener HTTPS: %d %s", status, body)
	}
	listenerARN := between(body, "<ListenerArn>", "</ListenerArn>")
	l := api.store.Snapshot().Listener(listenerARN)
	if want := (config.Certificate{CertificateFile: fileCert, PrivateKeyFile: fileKey}); len(l.Spec.Certificates) != 1 || l.Spec.Certificates[0] != want {
		t.Errorf("listener certificates %+v, want the file listener's certificate files", l.Spec.Certificates)
	}
	if status, again := create("8443", arn); status != 200 || between(again, "<ListenerArn>", "</ListenerArn>") != listenerARN {
		t.Errorf("the same CreateListener again: %d %s; want the same listener", status, again)
	}
	otherARN := ""
	for a := range folderCertificates(tlsconf.ARNOwner{}, folder) {
		otherARN = a
	}
	if status, body := create("8443", otherARN); status != 400 || !strings.Contains(body, "DuplicateListener") {
		t.Errorf("the same port with another certificate: %d %s; want DuplicateListener", status, body)
	}
	if status, body := api.call("DescribeListenerCertificates", "ListenerArn="+listenerARN); status != 200 || !strings.Contains(body, arn) {
		t.Errorf("DescribeListenerCertificates: %d %s", status, body)
	}
	if status, body := api.call("ModifyListener", "ListenerArn="+listenerARN, "Protocol=HTTP"); status != 200 || strings.Contains(body, "CertificateArn") {
		t.Errorf("ModifyListener to HTTP: %d %s; want no certificates left", status, body)
	}
	if status, body := api.call("ModifyListener", "ListenerArn="+listenerARN, "Protocol=HTTPS"); status != 400 || !strings.Contains(body, "ValidationError") {
		t.Errorf("ModifyListener to HTTPS without a certificate: %d %s; want ValidationError", status, body)
	}
	if status, body := api.call("ModifyListener", "ListenerArn="+listenerARN, "Protocol=HTTPS", "Certificates.member.1.CertificateArn="+arn); status != 200 || !strings.Contains(body, arn) {
		t.Errorf("ModifyListener to HTTPS with the certificate: %d %s", status, body)
	}
	// An unknown ARN is CertificateNotFound, and the message lists what may be named.
	status, body = create("9443", "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000")
	if status != 400 || !strings.Contains(body, "<Code>CertificateNotFound</Code>") || !strings.Contains(body, arn) {
		t.Errorf("unknown certificate: %d %s; want CertificateNotFound listing %s", status, body, arn)
	}
}

// TestHTTPSListenerFromTheCertificateFolder: with no certificate in the file, a pair in the
// certificate folder (<name>.pem with <name>.key) is enough, and the listener serves from the
// folder's files; a pair that does not load is not offered.
func TestHTTPSListenerFromTheCertificateFolder(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	certFile, keyFile := writeKeyPair(t, folder, "site")
	if err := os.WriteFile(filepath.Join(folder, "broken.pem"), []byte("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	api := newTestAPI(t, &config.Config{})
	api.h = controlapi.WithRequestID(New(Options{Store: api.store, CertificateDir: folder}))
	arn, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{}, certFile)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := api.call("CreateLoadBalancer", "Name=api-lb"); status != 200 {
		t.Fatalf("CreateLoadBalancer: %d %s", status, body)
	}
	lbARN := api.store.Snapshot().LoadBalancers[0].ARN
	status, body := api.call("CreateListener", "LoadBalancerArn="+lbARN, "Port=8443", "Protocol=HTTPS",
		"Certificates.member.1.CertificateArn="+arn, "SslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06",
		"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200")
	if status != 200 {
		t.Fatalf("CreateListener: %d %s", status, body)
	}
	l := api.store.Snapshot().Listener(between(body, "<ListenerArn>", "</ListenerArn>"))
	if want := (config.Certificate{CertificateFile: certFile, PrivateKeyFile: keyFile}); len(l.Spec.Certificates) != 1 || l.Spec.Certificates[0] != want ||
		l.Spec.SSLPolicy != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
		t.Errorf("listener %+v, want the folder's files and the policy", l.Spec)
	}
	if known := folderCertificates(tlsconf.ARNOwner{}, folder); len(known) != 1 {
		t.Errorf("folder offers %v, want only the pair that loads", known)
	}
}

// writeKeyPair writes a self-signed certificate and its key as <name>.pem and <name>.key.
func writeKeyPair(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + ".test"}, DNSNames: []string{name + ".test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	for path, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}
