package tlsconf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// serveHTTPS serves "ok" over TLS with cfg on ln until the test ends.
func serveHTTPS(t *testing.T, ln net.Listener, cfg *tls.Config) {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}), ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(tls.NewListener(ln, cfg)) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// serveHTTP01 answers http-01 challenges on ln, 404 otherwise, as an HTTP listener does.
func serveHTTP01(t *testing.T, ln net.Listener) {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !HTTP01Handler(w, r) {
			http.NotFound(w, r)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

func listen(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, ln.Addr().(*net.TCPAddr).Port
}

// get fetches https://name/ from addr through client, checking the chain against roots; it
// returns the leaf served.
func get(t *testing.T, client *http.Client, addr string) *x509.Certificate {
	t.Helper()
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatalf("GET through %s: %v", addr, err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); string(body) != "ok" {
		t.Fatalf("body %q", body)
	}
	return resp.TLS.PeerCertificates[0]
}

// clientFor is an HTTPS client that dials addr whatever the URL's host, sends name as SNI and
// trusts only roots.
func clientFor(addr, name string, roots *x509.CertPool, keepAlive bool) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: name},
		DisableKeepAlives: !keepAlive,
		MaxConnsPerHost:   1,
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// TestACMEWithPebble: an HTTPS listener gets certificates from pebble for its names, validated
// by pebble over tls-alpn-01 on the listener itself and over http-01 on an HTTP listener; the
// certificates chain to pebble's CA and are kept in the cache directory, so a new manager
// (a restart) serves them without a new order.
func TestACMEWithPebble(t *testing.T) {
	httpLn, httpPort := listen(t)
	tlsLn, tlsPort := listen(t)
	p := tlstest.StartPebble(t, httpPort, tlsPort, 90*24*time.Hour)
	serveHTTP01(t, httpLn)
	cache := t.TempDir()
	settings := Settings{ACME: []ACME{
		{Domains: []string{"alpn.albatross.test"}, DirectoryURL: p.Directory, CARoots: p.Roots, CacheDir: filepath.Join(cache, "alpn")},
		{Domains: []string{"http.albatross.test"}, DirectoryURL: p.Directory, CARoots: p.Roots, CacheDir: filepath.Join(cache, "http"), Challenge: ChallengeHTTP01},
	}}
	cfg, err := ServerConfig(settings)
	if err != nil {
		t.Fatal(err)
	}
	serveHTTPS(t, tlsLn, cfg)
	addr := tlsLn.Addr().String()
	for _, name := range []string{"alpn.albatross.test", "http.albatross.test"} {
		leaf := get(t, clientFor(addr, name, p.Issuer, false), addr)
		if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != name {
			t.Errorf("%s: certificate for %v", name, leaf.DNSNames)
		}
	}
	// A name no entry lists gets the default (first) entry's certificate, never an issuance.
	if _, err := clientFor(addr, "other.albatross.test", p.Issuer, false).Get("https://" + addr + "/"); err == nil {
		t.Error("a name outside the ACME domains was served a valid certificate")
	}

	// Outside a validation nobody gets a tls-alpn-01 certificate, nor an HTTP connection by
	// offering acme-tls/1.
	if c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "alpn.albatross.test", NextProtos: []string{"acme-tls/1"}, InsecureSkipVerify: true}); err == nil {
		c.Close()
		t.Error("an acme-tls/1 handshake succeeded outside a validation")
	}

	// A restart: a new manager over the same cache directory, with pebble gone, still serves
	// both certificates (and the account key is reused: nothing new is written).
	p.Server.Close()
	restarted := settings
	restarted.ACME = append([]ACME(nil), settings.ACME...)
	for i := range restarted.ACME {
		restarted.ACME[i].RenewBefore = time.Hour // another key: not the manager in memory
	}
	cfg2, err := ServerConfig(restarted)
	if err != nil {
		t.Fatal(err)
	}
	ln2, _ := listen(t)
	serveHTTPS(t, ln2, cfg2)
	for _, name := range []string{"alpn.albatross.test", "http.albatross.test"} {
		get(t, clientFor(ln2.Addr().String(), name, p.Issuer, false), ln2.Addr().String())
	}
}

// TestACMERenewal: when a certificate is due, autocert renews it in the background; new
// handshakes get the new certificate while a connection opened before goes on with the old one.
func TestACMERenewal(t *testing.T) {
	httpLn, httpPort := listen(t)
	_ = httpLn.Close() // tls-alpn-01 only
	tlsLn, tlsPort := listen(t)
	p := tlstest.StartPebble(t, httpPort, tlsPort, time.Hour)
	// Renewing 2 h before the end of a 1 h certificate makes every certificate due at once.
	cfg, err := ServerConfig(Settings{ACME: []ACME{{Domains: []string{"renew.albatross.test"},
		DirectoryURL: p.Directory, CARoots: p.Roots, CacheDir: t.TempDir(), RenewBefore: 2 * time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	serveHTTPS(t, tlsLn, cfg)
	addr, name := tlsLn.Addr().String(), "renew.albatross.test"
	open := clientFor(addr, name, p.Issuer, true)
	first := get(t, open, addr)
	var renewed *x509.Certificate
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c := get(t, clientFor(addr, name, p.Issuer, false), addr); c.SerialNumber.Cmp(first.SerialNumber) != 0 {
			renewed = c
			break
		}
	}
	if renewed == nil {
		t.Fatal("the certificate was not renewed within a minute")
	}
	reused := false
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/", nil)
	resp, err := open.Do(req)
	if err != nil {
		t.Fatalf("the connection opened before the renewal: %v", err)
	}
	_ = resp.Body.Close()
	if !reused || resp.TLS.PeerCertificates[0].SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Errorf("reused=%v serial %v, want the open connection with the first certificate %v", reused, resp.TLS.PeerCertificates[0].SerialNumber, first.SerialNumber)
	}
}
