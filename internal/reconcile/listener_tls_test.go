package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestListenerOptions: the listener attributes and fields reach listener.Options (TMO-01,
// TMO-03, H2-01, TLS-06, MTLS-01, MTLS-07).
func TestListenerOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "site"}).WriteFiles(t, dir, "site")
	trust, _ := ca.WriteFiles(t, dir, "ca")
	https := func(mutate func(lb *config.LoadBalancer, l *config.Listener)) (*config.LoadBalancer, *config.Listener) {
		l := config.Listener{Port: 443, Protocol: "HTTPS", Certificates: []config.Certificate{{CertificateFile: cert, PrivateKeyFile: key}}}
		lb := config.LoadBalancer{Name: "web"}
		mutate(&lb, &l)
		return &lb, &l
	}
	testCases := []struct {
		desc   string
		mutate func(lb *config.LoadBalancer, l *config.Listener)
		check  func(t *testing.T, lb *config.LoadBalancer, l *config.Listener)
	}{
		{desc: "HTTP listener: timeouts, no TLS", mutate: func(lb *config.LoadBalancer, l *config.Listener) {
			l.Protocol, l.Certificates = "HTTP", nil
			lb.Attributes = map[string]string{"idle_timeout.timeout_seconds": "5", "client_keep_alive.seconds": "120"}
		}, check: func(t *testing.T, lb *config.LoadBalancer, l *config.Listener) {
			o := mustOptions(t, lb, l)
			if o.TLS != nil || o.IdleTimeout != 5*time.Second || o.ClientKeepAlive != 2*time.Minute {
				t.Errorf("options %+v", o)
			}
		}},
		{desc: "HTTPS defaults: h2 offered, no headers", mutate: func(*config.LoadBalancer, *config.Listener) {},
			check: func(t *testing.T, lb *config.LoadBalancer, l *config.Listener) {
				o := mustOptions(t, lb, l)
				if o.TLS == nil || o.TLS.NextProtos[0] != "h2" || o.TLSHeaders.VersionAndCipher || o.TLSHeaders.MTLSMode != "off" || o.ClientKeepAlive != time.Hour {
					t.Errorf("options %+v", o)
				}
			}},
		{desc: "routing.http2.enabled=false", mutate: func(lb *config.LoadBalancer, _ *config.Listener) {
			lb.Attributes = map[string]string{"routing.http2.enabled": "false"}
		}, check: func(t *testing.T, lb *config.LoadBalancer, l *config.Listener) {
			if o := mustOptions(t, lb, l); strings.Join(o.TLS.NextProtos, ",") != "http/1.1" {
				t.Errorf("ALPN %v", o.TLS.NextProtos)
			}
		}},
		{desc: "TLS headers, renames and verify mode", mutate: func(lb *config.LoadBalancer, l *config.Listener) {
			lb.Attributes = map[string]string{"routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "true"}
			l.Attributes = map[string]string{"routing.http.request.x_amzn_mtls_clientcert_subject.header_name": "X-Who"}
			l.MutualAuthentication = &config.MutualAuthentication{Mode: "verify", TrustStore: []string{trust}}
		}, check: func(t *testing.T, lb *config.LoadBalancer, l *config.Listener) {
			o := mustOptions(t, lb, l)
			want := tlsconf.Headers{VersionAndCipher: true, MTLSMode: "verify", Names: tlsconf.HeaderNames{Subject: "X-Who"}}
			if o.TLSHeaders != want || o.TLS.VerifyPeerCertificate == nil {
				t.Errorf("headers %+v, want %+v", o.TLSHeaders, want)
			}
		}},
		{desc: "missing certificate file fails the build", mutate: func(_ *config.LoadBalancer, l *config.Listener) {
			l.Certificates[0].CertificateFile = dir + "/missing.pem"
		}, check: func(t *testing.T, lb *config.LoadBalancer, l *config.Listener) {
			if _, err := listenerOptions(&config.Config{}, lb, l, t.TempDir()); err == nil {
				t.Error("no error")
			}
		}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			lb, l := https(tc.mutate)
			tc.check(t, lb, l)
		})
	}
}

func mustOptions(t *testing.T, lb *config.LoadBalancer, l *config.Listener) listener.Options {
	t.Helper()
	o, err := listenerOptions(&config.Config{}, lb, l, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return o
}
