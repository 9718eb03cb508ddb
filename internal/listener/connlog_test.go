package listener

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestConnectionLogThroughListener: a real HTTPS listener writes one connection log entry per
// handshake (CLOG-01): a verified client certificate (Success with the leaf's facts), one
// from an unknown CA (Failed:ClientCertUntrusted, MTLS-05, no latency), one on the trust
// store's revocation list (Failed:ClientCertCrlHit), and bytes that are no
// TLS at all (Failed:UnmappedConnectionError); each carries the conn_trace_id the access log
// computes for the same client and listener port.
func TestConnectionLogThroughListener(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	clientCA := tlstest.NewCA(t, "Client CA")
	trust, _ := clientCA.WriteFiles(t, f.dir, "client-ca")
	alice := clientCA.Issue(t, tlstest.Spec{CN: "alice", Client: true, Serial: 0x3A5B1})
	mallory := tlstest.NewCA(t, "Other CA").Issue(t, tlstest.Spec{CN: "mallory", Client: true}).TLS()
	bob := clientCA.Issue(t, tlstest.Spec{CN: "bob", Client: true}) // on the revocation list
	crl := filepath.Join(f.dir, "client-ca.crl")
	if err := os.WriteFile(crl, clientCA.CRL(t, bob), 0o600); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	loc := observe.LogLocation{AccountID: "000000000000", Region: "us-east-1", LoadBalancer: "app/web/50dc6c495c0c9188"}
	clog := observe.NewConnectionLog(observe.ConnectionLogOptions{Location: loc, Dir: dir})
	settings := tlsconf.Settings{Policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
		MutualAuth: tlsconf.MutualAuth{Mode: tlsconf.MTLSVerify, TrustStore: []string{trust}, RevocationLists: []string{crl}}}
	opts := f.options(t, settings, tlsconf.Headers{MTLSMode: tlsconf.MTLSVerify})
	opts.Handshakes = clog
	l, err := Listen("127.0.0.1:0", echoTLS, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()

	good := dialTLS(t, addr, f, alice.TLS())
	bad := dialTLS(t, addr, f, mallory)
	revoked := dialTLS(t, addr, f, bob.TLS())
	plain := dialPlain(t, addr)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil { // waits for every handshake, so all are logged
		t.Fatal(err)
	}
	if err := clog.Close(ctx); err != nil {
		t.Fatal(err)
	}
	lines := connLogLines(t, dir)
	if len(lines) != 4 {
		t.Fatalf("%d entries, want 4:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	port := l.Addr().(*net.TCPAddr).Port
	checkEntry(t, lines, good, port, " TLSv1.3 TLS_", `"CN=alice,O=Albatross Test" NotBefore=`, " 03A5B1 Success ")
	checkEntry(t, lines, bad, port, " TLSv1.3 TLS_", ` - "CN=mallory,O=Albatross Test" `, " Failed:ClientCertUntrusted ")
	checkEntry(t, lines, revoked, port, " TLSv1.3 TLS_", ` - "CN=bob,O=Albatross Test" `, " Failed:ClientCertCrlHit ")
	checkEntry(t, lines, plain, port, ` - - - "-" - - Failed:UnmappedConnectionError `)
}

// dialTLS makes a TLS 1.3 connection presenting cert and waits for the server's verdict: a TLS
// 1.3 server refuses a client certificate after the client's side of the handshake is done, so
// a read is what learns it. It returns the client's address.
func dialTLS(t *testing.T, addr string, f *httpsFixture, cert tls.Certificate) netip.AddrPort {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: tlstest.Pool(f.ca), ServerName: "site.test",
		Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n")
	_, _ = io.ReadAll(conn)
	return conn.LocalAddr().(*net.TCPAddr).AddrPort()
}

// dialPlain sends an HTTP request in clear text to the HTTPS listener and waits for it to hang up.
func dialPlain(t *testing.T, addr string) netip.AddrPort {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: site.test\r\n\r\n")
	_, _ = io.ReadAll(conn)
	return conn.LocalAddr().(*net.TCPAddr).AddrPort()
}

// checkEntry finds the entry of client and checks its listener port, conn_trace_id (equal to
// the access log's) and the given parts.
func checkEntry(t *testing.T, lines []string, client netip.AddrPort, port int, parts ...string) {
	t.Helper()
	prefix := client.Addr().String() + " " + itoa(int(client.Port())) + " " + itoa(port) + " "
	trace := string(observe.AppendConnTraceID(nil, client, port))
	for _, line := range lines {
		if _, rest, ok := strings.Cut(line, " "); ok && strings.HasPrefix(rest, prefix) {
			for _, p := range append(parts, " "+trace+" ") {
				if !strings.Contains(line, p) {
					t.Errorf("entry lacks %q:\n%s", p, line)
				}
			}
			return
		}
	}
	t.Errorf("no entry for %s in:\n%s", client, strings.Join(lines, "\n"))
}

// connLogLines reads the one finished conn_log. file under dir.
func connLogLines(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "conn_log.") && strings.HasSuffix(p, ".log.gz") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 1 {
		t.Fatalf("conn_log files %v, want one", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
}

// TestConnectionLogPassthrough: in passthrough mode any client certificate is accepted and the
// entry still names its leaf (CLOG-01, MTLS-02; decision in docs/observability.md); the entries
// carry the listener's configured port (ForListener), as the access log does.
func TestConnectionLogPassthrough(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	stranger := tlstest.NewCA(t, "Any CA").Issue(t, tlstest.Spec{CN: "bob", Client: true}).TLS()
	dir := t.TempDir()
	clog := observe.NewConnectionLog(observe.ConnectionLogOptions{Location: observe.LogLocation{AccountID: "000000000000", Region: "us-east-1"}, Dir: dir})
	opts := f.options(t, tlsconf.Settings{Policy: "ELBSecurityPolicy-TLS13-1-2-2021-06", MutualAuth: tlsconf.MutualAuth{Mode: tlsconf.MTLSPassthrough}},
		tlsconf.Headers{MTLSMode: tlsconf.MTLSPassthrough})
	opts.Handshakes = clog.ForListener(443)
	l, err := Listen("127.0.0.1:0", echoTLS, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := dialTLS(t, l.Addr().String(), f, stranger)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := clog.Close(ctx); err != nil {
		t.Fatal(err)
	}
	checkEntry(t, connLogLines(t, dir), client, 443, `"CN=bob,O=Albatross Test" NotBefore=`, " Success ")
}
