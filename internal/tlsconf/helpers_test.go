package tlsconf

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// certFile issues a server certificate under ca and writes it to dir.
func certFile(t *testing.T, ca *tlstest.Cert, dir, name string, s tlstest.Spec) CertFile {
	t.Helper()
	c, k := ca.Issue(t, s).WriteFiles(t, dir, name)
	return CertFile{CertificateFile: c, PrivateKeyFile: k}
}

// handshake runs a TLS handshake between server config srv and client config cli over an
// in-memory pipe and returns the client's view (or the first error).
func handshake(t *testing.T, srv, cli *tls.Config) (tls.ConnectionState, tls.ConnectionState, error) {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetDeadline(time.Now().Add(10 * time.Second))
	_ = b.SetDeadline(time.Now().Add(10 * time.Second))
	server := tls.Server(a, srv)
	type result struct {
		state tls.ConnectionState
		err   error
	}
	done := make(chan result, 1)
	go func() {
		err := server.Handshake()
		if err != nil {
			a.Close() // let the client see the failure rather than wait
		}
		done <- result{server.ConnectionState(), err}
	}()
	client := tls.Client(b, cli)
	cerr := client.Handshake()
	if cerr == nil {
		// TLS 1.3 client certificates are checked after the client's Finished: read to see it.
		_ = client.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, rerr := client.Read(make([]byte, 1))
		if ne, ok := rerr.(net.Error); rerr != nil && !(ok && ne.Timeout()) {
			cerr = rerr
		}
	}
	r := <-done
	if r.err != nil {
		return client.ConnectionState(), r.state, r.err
	}
	return client.ConnectionState(), r.state, cerr
}
