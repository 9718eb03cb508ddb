package tlstest

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"
)

// Pebble is Let's Encrypt's test ACME server, run in-process from its own packages. Its
// validation authority really dials the listeners under test: names resolve through a DNS
// server of the test that answers 127.0.0.1 for every name, and the ports it dials for http-01
// and tls-alpn-01 are the ones given to StartPebble.
type Pebble struct {
	// Directory is the ACME directory URL.
	Directory string
	// Roots is a PEM file of the directory's HTTPS certificate (an ACME entry's ca_roots).
	Roots string
	// Issuer holds pebble's root CA, which the certificates it signs chain to.
	Issuer *x509.CertPool
	// Server is the ACME API; closing it takes pebble away.
	Server *httptest.Server
}

// pebbleEnv is what pebble reads from the environment, once, in va.New and wfe.New: no random
// sleeps before validations, no deliberately refused nonces, for deterministic runs.
var pebbleEnv = map[string]string{"PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"}

// pebbleEnvMu holds the environment set while one pebble is built.
var pebbleEnvMu sync.Mutex

// withPebbleEnv runs build with pebbleEnv set, then restores the environment. It is not
// t.Setenv, which would keep every test that starts pebble out of the parallel ones.
func withPebbleEnv(build func()) {
	pebbleEnvMu.Lock()
	defer pebbleEnvMu.Unlock()
	for k, v := range pebbleEnv {
		old, had := os.LookupEnv(k)
		_ = os.Setenv(k, v)
		defer func() {
			if had {
				_ = os.Setenv(k, old)
			} else {
				_ = os.Unsetenv(k)
			}
		}()
	}
	build()
}

// StartPebble starts pebble validating http-01 on httpPort and tls-alpn-01 on tlsPort, issuing
// certificates valid for validity. Tests that call it may run in parallel.
func StartPebble(t *testing.T, httpPort, tlsPort int, validity time.Duration) *Pebble {
	t.Helper()
	logger := log.New(io.Discard, "", 0)
	if testing.Verbose() {
		logger = log.New(testLog{t}, "pebble ", 0)
	}
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{
		"default": {Description: "test", ValidityPeriod: uint64(validity / time.Second)},
	})
	dnsAddr := startDNS(t)
	var front wfe.WebFrontEndImpl
	withPebbleEnv(func() {
		v := va.New(logger, httpPort, tlsPort, false, dnsAddr, store)
		front = wfe.New(logger, store, v, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	})
	srv := httptest.NewTLSServer(front.Handler())
	t.Cleanup(srv.Close)
	p := &Pebble{Directory: srv.URL + wfe.DirectoryPath, Server: srv, Issuer: x509.NewCertPool()}
	p.Roots = filepath.Join(t.TempDir(), "pebble-roots.pem")
	if err := os.WriteFile(p.Roots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	p.Issuer.AddCert(authority.GetRootCert(0).Cert)
	return p
}

type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) { l.t.Log(string(b)); return len(b), nil }

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
