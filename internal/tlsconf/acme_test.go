package tlsconf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"path/filepath"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"
)

// pebble is Let's Encrypt's test ACME server, run in-process from its own packages. Its
// validation authority really dials the listeners under test: names resolve through a DNS
// server of the test that answers 127.0.0.1 for every name, and the ports it dials for http-01
// and tls-alpn-01 are the listeners'.
type pebble struct {
	directory string           // the directory URL
	roots     string           // PEM file of the directory's HTTPS certificate
	issuer    *x509.CertPool   // pebble's root CA, the issuer of the certificates it signs
	server    *httptest.Server // the ACME API
}

// startPebble starts pebble for listeners on httpPort and tlsPort, issuing certificates valid
// for validity.
func startPebble(t *testing.T, httpPort, tlsPort int, validity time.Duration) *pebble {
	t.Helper()
	// No random sleeps before validations, no deliberately refused nonces: deterministic runs.
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	logger := log.New(io.Discard, "", 0)
	if testing.Verbose() {
		logger = log.New(&testLog{t}, "pebble ", 0)
	}
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{
		"default": {Description: "test", ValidityPeriod: uint64(validity / time.Second)},
	})
	v := va.New(logger, httpPort, tlsPort, false, startDNS(t), store)
	front := wfe.New(logger, store, v, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(front.Handler())
	t.Cleanup(srv.Close)
	p := &pebble{directory: srv.URL + wfe.DirectoryPath, server: srv, issuer: x509.NewCertPool()}
	p.roots = writeFile(t, t.TempDir(), "roots.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	p.issuer.AddCert(authority.GetRootCert(0).Cert)
	return p
}

type testLog struct{ t *testing.T }

func (l *testLog) Write(b []byte) (int, error) { l.t.Log(string(b)); return len(b), nil }

// startDNS serves A 127.0.0.1 for every name over TCP (pebble's resolver uses TCP) and returns
// its address.
func startDNS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		for _, question := range q.Question {
			if question.Qtype == dns.TypeA {
				m.Answer = append(m.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: question.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
					A:   net.IPv4(127, 0, 0, 1),
				})
			}
		}
		_ = w.WriteMsg(m)
	})}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return ln.Addr().String()
}

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
	p := startPebble(t, httpPort, tlsPort, 90*24*time.Hour)
	serveHTTP01(t, httpLn)
	cache := t.TempDir()
	settings := Settings{ACME: []ACME{
		{Domains: []string{"alpn.albatross.test"}, DirectoryURL: p.directory, CARoots: p.roots, CacheDir: filepath.Join(cache, "alpn")},
		{Domains: []string{"http.albatross.test"}, DirectoryURL: p.directory, CARoots: p.roots, CacheDir: filepath.Join(cache, "http"), Challenge: ChallengeHTTP01},
	}}
	cfg, err := ServerConfig(settings)
	if err != nil {
		t.Fatal(err)
	}
	serveHTTPS(t, tlsLn, cfg)
	addr := tlsLn.Addr().String()
	for _, name := range []string{"alpn.albatross.test", "http.albatross.test"} {
		leaf := get(t, clientFor(addr, name, p.issuer, false), addr)
		if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != name {
			t.Errorf("%s: certificate for %v", name, leaf.DNSNames)
		}
	}
	// A name no entry lists gets the default (first) entry's certificate, never an issuance.
	if _, err := clientFor(addr, "other.albatross.test", p.issuer, false).Get("https://" + addr + "/"); err == nil {
		t.Error("a name outside the ACME domains was served a valid certificate")
	}

	// A restart: a new manager over the same cache directory, with pebble gone, still serves
	// both certificates (and the account key is reused: nothing new is written).
	p.server.Close()
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
		get(t, clientFor(ln2.Addr().String(), name, p.issuer, false), ln2.Addr().String())
	}
}

// TestACMERenewal: when a certificate is due, autocert renews it in the background; new
// handshakes get the new certificate while a connection opened before goes on with the old one.
func TestACMERenewal(t *testing.T) {
	httpLn, httpPort := listen(t)
	_ = httpLn.Close() // tls-alpn-01 only
	tlsLn, tlsPort := listen(t)
	p := startPebble(t, httpPort, tlsPort, time.Hour)
	// Renewing 2 h before the end of a 1 h certificate makes every certificate due at once.
	cfg, err := ServerConfig(Settings{ACME: []ACME{{Domains: []string{"renew.albatross.test"},
		DirectoryURL: p.directory, CARoots: p.roots, CacheDir: t.TempDir(), RenewBefore: 2 * time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	serveHTTPS(t, tlsLn, cfg)
	addr, name := tlsLn.Addr().String(), "renew.albatross.test"
	open := clientFor(addr, name, p.issuer, true)
	first := get(t, open, addr)
	var renewed *x509.Certificate
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c := get(t, clientFor(addr, name, p.issuer, false), addr); c.SerialNumber.Cmp(first.SerialNumber) != 0 {
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
