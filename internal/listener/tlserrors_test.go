package listener

import (
	"net"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// tlsErrorSignal reports every failed handshake on a channel, so the test waits on the event.
type tlsErrorSignal struct{ failed chan struct{} }

func (s *tlsErrorSignal) ClientTLSNegotiationFailed() { s.failed <- struct{}{} }

// TestClientTLSNegotiationErrors: a client that speaks plain HTTP to an HTTPS listener, or
// offers no certificate where mTLS verify needs one, counts one ClientTLSNegotiationErrorCount
// each (§9.1); a handshake that succeeds counts nothing.
func TestClientTLSNegotiationErrors(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	clientCA := tlstest.NewCA(t, "Client CA")
	trust, _ := clientCA.WriteFiles(t, f.dir, "client-ca")
	opts := f.options(t, tlsconf.Settings{MutualAuth: tlsconf.MutualAuth{Mode: tlsconf.MTLSVerify, TrustStore: []string{trust}}},
		tlsconf.Headers{MTLSMode: tlsconf.MTLSVerify})
	signal := &tlsErrorSignal{failed: make(chan struct{}, 8)}
	opts.TLSErrors = signal
	l := listen(t, echoTLS, opts)
	url := "https://" + l.Addr().String() + "/"

	alice := clientCA.Issue(t, tlstest.Spec{CN: "alice", Client: true}).TLS()
	fetch(t, f.client(false, alice), url) // counted (or not) before the request is served
	if n := len(signal.failed); n != 0 {
		t.Fatalf("a successful handshake counted %d errors", n)
	}

	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("GET / HTTP/1.1\r\nHost: site.test\r\n\r\n"))
	waitSignal(t, signal.failed, "plain HTTP on the HTTPS port")

	if resp, err := f.client(false).Get(url); err == nil {
		resp.Body.Close()
		t.Fatalf("a client without a certificate got %s", resp.Status)
	}
	waitSignal(t, signal.failed, "no client certificate under mTLS verify")
	if n := len(signal.failed); n != 0 {
		t.Errorf("%d more errors counted than handshakes failed", n)
	}
}

func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second): // a bound for a loaded machine, not a timing assertion
		t.Fatalf("%s: no ClientTLSNegotiationErrorCount", what)
	}
}
