package elbv2

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
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
