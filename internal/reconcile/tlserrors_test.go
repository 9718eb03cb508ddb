package reconcile

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestClientTLSNegotiationErrorCounted: a client that speaks plain HTTP to an HTTPS listener
// counts in its load balancer's ClientTLSNegotiationErrorCount (§9.1).
func TestClientTLSNegotiationErrorCounted(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ca := tlstest.NewCA(t, "CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "site", DNSNames: []string{"site.test"}}).WriteFiles(t, dataDir, "site")
	fixed := []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200", ContentType: "text/plain", MessageBody: "ok"}}}
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{
		Name: "web",
		Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1", Protocol: "HTTPS", DefaultActions: fixed,
			Certificates: []config.Certificate{{CertificateFile: cert, PrivateKeyFile: key}}}},
	}}}
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer dp.Close(ctx)
	for _, a := range dp.Addrs() {
		c, err := net.Dial("tcp", a.String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: site.test\r\n\r\n"))
		_, _ = c.Read(make([]byte, 64)) // the listener closes after the failed handshake
		c.Close()
	}
	deadline := time.Now().Add(30 * time.Second) // the count lands on the handshake's goroutine
	for {
		for _, s := range dp.Metrics().Samples() {
			if s.Name == "alb_client_tls_negotiation_error_count_total" {
				if s.Value != 1 || len(s.Labels) != 1 || !strings.HasPrefix(s.Labels[0].Value, "app/web/") {
					t.Fatalf("sample %+v", s)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no ClientTLSNegotiationErrorCount")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
