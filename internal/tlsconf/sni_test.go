package tlsconf

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestSNIResult covers TLS-03's input: the handshake records whether the SNI name selected a
// certificate (the default's own name counts) or the default was served for want of SNI or of
// a match.
func TestSNIResult(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Test CA")
	files := []CertFile{
		certFile(t, ca, dir, "default", tlstest.Spec{CN: "default", DNSNames: []string{"default.test"}, Key: tlstest.P256}),
		certFile(t, ca, dir, "api", tlstest.Spec{CN: "api", DNSNames: []string{"api.example.com"}, Key: tlstest.P256}),
	}
	store, err := LoadStore(files)
	if err != nil {
		t.Fatal(err)
	}
	arn := func(f CertFile) string {
		a, err := CertificateFileARN(ARNOwner{}, f.CertificateFile)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	defaultARN, apiARN := arn(files[0]), arn(files[1])
	srv := &tls.Config{GetCertificate: store.GetCertificate}
	testCases := []struct {
		desc, sni   string
		wantDefault bool
		wantARN     string
	}{
		{desc: "no SNI: default served", sni: "", wantDefault: true, wantARN: defaultARN},
		{desc: "SNI matching nothing: default served", sni: "other.test", wantDefault: true, wantARN: defaultARN},
		{desc: "SNI matching a listed certificate", sni: "api.example.com", wantDefault: false, wantARN: apiARN},
		{desc: "SNI matching the default certificate's name", sni: "default.test", wantDefault: false, wantARN: defaultARN},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var rec SNIResult
			if rec.DefaultServed() || rec.CertificateARN() != "" {
				t.Fatal("a result before any handshake")
			}
			recordingHandshake(t, srv, &tls.Config{ServerName: tc.sni, InsecureSkipVerify: true}, &rec)
			if got := rec.DefaultServed(); got != tc.wantDefault {
				t.Errorf("SNI %q: DefaultServed %v, want %v", tc.sni, got, tc.wantDefault)
			}
			if got := rec.CertificateARN(); got != tc.wantARN {
				t.Errorf("SNI %q: chosen certificate %s, want %s (TLS-03)", tc.sni, got, tc.wantARN)
			}
		})
	}
}

// TestSNIResultAbsent: without a recorder in the context selection still works, and a nil
// SNIResult reads as "not the default" (domain_name falls back to the SNI name).
func TestSNIResultAbsent(t *testing.T) {
	t.Parallel()
	var nilResult *SNIResult
	if nilResult.DefaultServed() || nilResult.CertificateARN() != "" || SNIResultFrom(context.Background()) != nil {
		t.Error("nil SNIResult or empty context report a result")
	}
	r := &SNIResult{}
	if SNIResultFrom(WithSNIResult(context.Background(), r)) != r {
		t.Error("SNIResultFrom does not return what WithSNIResult stored")
	}
}

// recordingHandshake runs a handshake whose server side carries rec in its context, as the
// listener does.
func recordingHandshake(t *testing.T, srv, cli *tls.Config, rec *SNIResult) {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithTimeout(WithSNIResult(context.Background(), rec), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- tls.Server(a, srv).HandshakeContext(ctx) }()
	if err := tls.Client(b, cli).HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
