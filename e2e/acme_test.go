package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestACMEWithPebble runs the binary with two ACME certificate entries against pebble (Let's
// Encrypt's test CA, in-process, validating for real on loopback): one validated with http-01
// through the load balancer's HTTP listener, one with tls-alpn-01 on the HTTPS listener. A
// client trusting only pebble's CA is served both. Pebble issues certificates valid for 30 s,
// so autocert's default renewal (a third of the lifetime before expiry) replaces the
// certificate about 20 s in: new connections get the new one while a connection opened
// before goes on with the old one.
func TestACMEWithPebble(t *testing.T) {
	t.Parallel()
	httpPort, httpsPort := freePort(t), freePort(t)
	p := tlstest.StartPebble(t, httpPort, httpsPort, 30*time.Second)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %[1]d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: plain}}]
      - port: %[2]d
        address: 127.0.0.1
        protocol: HTTPS
        certificates:
          - acme: {domains: [www.albatross.test], directory_url: "%[3]s", ca_roots: %[4]s, challenge: http-01, http_port: %[1]d}
          - acme: {domains: [alpn.albatross.test], directory_url: "%[3]s", ca_roots: %[4]s, email: ops@albatross.test}
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: secure}}]
`, httpPort, httpsPort, p.Directory, p.Roots), httpPort, httpsPort)
	addr := fmt.Sprintf("127.0.0.1:%d", httpsPort)
	newClient := func(name string) *http.Client {
		return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
			TLSClientConfig: &tls.Config{RootCAs: p.Issuer, ServerName: name}, MaxConnsPerHost: 1, IdleConnTimeout: 5 * time.Minute}}
	}
	get := func(c *http.Client, name string) (*x509.Certificate, bool) {
		t.Helper()
		reused := false
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+name+"/", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET https://%s/: %v", name, err)
		}
		defer resp.Body.Close()
		if body, _ := io.ReadAll(resp.Body); string(body) != "secure" {
			t.Fatalf("GET https://%s/: body %q", name, body)
		}
		return resp.TLS.PeerCertificates[0], reused
	}
	if leaf, _ := get(newClient("www.albatross.test"), "www.albatross.test"); leaf.DNSNames[0] != "www.albatross.test" {
		t.Errorf("www served a certificate for %v", leaf.DNSNames)
	}
	open := newClient("alpn.albatross.test")
	first, _ := get(open, "alpn.albatross.test")
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(inst.config), "data", "acme", "*", "alpn.albatross.test")); len(m) != 1 {
		t.Errorf("certificate not kept under <data-dir>/acme: %v", m)
	}

	var renewed *x509.Certificate
	for deadline := time.Now().Add(90 * time.Second); renewed == nil && time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if c, _ := get(newClient("alpn.albatross.test"), "alpn.albatross.test"); c.SerialNumber.Cmp(first.SerialNumber) != 0 {
			renewed = c
		}
	}
	if renewed == nil {
		t.Fatal("the certificate was not renewed")
	}
	if c, reused := get(open, "alpn.albatross.test"); !reused || c.SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Errorf("connection opened before the renewal: reused=%v serial %v, want it still up with %v", reused, c.SerialNumber, first.SerialNumber)
	}
}
