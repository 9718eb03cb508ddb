package cluster

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestTLSWithClientCertificates: against an etcd that requires client certificates
// (--client-cert-auth), --store-ca, --store-cert and --store-key connect; without the client
// certificate etcd refuses, and the refusal is ErrUnavailable-shaped, never a hang.
func TestTLSWithClientCertificates(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "etcd test CA")
	caFile, _ := ca.WriteFiles(t, dir, "ca")
	server := ca.Issue(t, tlstest.Spec{CN: "localhost", DNSNames: []string{"localhost"}})
	serverCert, serverKey := server.WriteFiles(t, dir, "server")
	client := ca.Issue(t, tlstest.Spec{CN: "albatross", Client: true})
	clientCert, clientKey := client.WriteFiles(t, dir, "client")
	endpoint := startEtcdWith(t, "https", []string{"--cert-file", serverCert, "--key-file", serverKey,
		"--client-cert-auth", "--trusted-ca-file", caFile})
	_, port, _ := net.SplitHostPort(endpoint)
	st, err := ParseStore("etcds://localhost:" + port + "/tls")
	if err != nil {
		t.Fatal(err)
	}
	connectTLS := func(files TLSFiles) *Cluster {
		c, err := Connect(Options{Store: st, TLS: files, Node: "n", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	ctx := context.Background()
	good := connectTLS(TLSFiles{CA: caFile, Cert: clientCert, Key: clientKey})
	if _, _, err := good.StateBackend().Load(ctx); err != nil {
		t.Fatalf("Load with the client certificate: %v", err)
	}
	if err := good.Check(ctx); err != nil {
		t.Fatalf("Check with the client certificate: %v", err)
	}
	anonymous := connectTLS(TLSFiles{CA: caFile})
	if err := anonymous.Check(ctx); err == nil || !strings.Contains(err.Error(), "etcd unreachable") {
		t.Fatalf("Check without a client certificate: %v; want etcd unreachable", err)
	}
}

func TestTLSFilesRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		files TLSFiles
		want  string
	}{
		{TLSFiles{Cert: "c.pem"}, "--store-cert and --store-key go together"},
		{TLSFiles{CA: "/nonexistent/ca.pem"}, "--store-ca"},
		{TLSFiles{CA: "/dev/null"}, "no PEM certificate"},
	} {
		if _, err := tlsConfig(tc.files); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("tlsConfig(%+v): %v; want %q", tc.files, err, tc.want)
		}
	}
}
