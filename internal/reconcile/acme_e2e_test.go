package reconcile

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// freePort reserves a loopback port and frees it: pebble must know the ports it validates on
// before the configuration (which names pebble's directory) is applied.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestACMEEndToEnd: an HTTPS listener with two ACME entries gets its certificates from pebble,
// one validated over http-01 through the load balancer's HTTP listener, one over tls-alpn-01 on
// the listener itself; the account and certificates land under <data-dir>/acme; a reload with
// pebble gone keeps serving them, and a connection opened before the reload stays up. The HTTP
// listener routes everything else, challenge paths of other hosts included, by its rules.
func TestACMEEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	httpPort, httpsPort := freePort(t), freePort(t)
	p := tlstest.StartPebble(t, httpPort, httpsPort, 90*24*time.Hour)
	fixed := func(body string) []config.Action {
		return []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200", ContentType: "text/plain", MessageBody: body}}}
	}
	cfg := func(body string) *config.Config {
		return &config.Config{LoadBalancers: []config.LoadBalancer{{
			Name: "web",
			Listeners: []config.Listener{
				{Port: httpPort, Address: "127.0.0.1", DefaultActions: fixed("plain")},
				{Port: httpsPort, Address: "127.0.0.1", Protocol: "HTTPS", DefaultActions: fixed(body), Certificates: []config.Certificate{
					{ACME: &config.ACMECertificate{Domains: []string{"www.albatross.test"}, DirectoryURL: p.Directory, CARoots: p.Roots,
						Challenge: config.ACMEChallengeHTTP01, HTTPPort: httpPort, Email: "ops@albatross.test"}},
					{ACME: &config.ACMECertificate{Domains: []string{"alpn.albatross.test"}, DirectoryURL: p.Directory, CARoots: p.Roots}},
				}},
			},
		}}}
	}
	if err := cfg("one").Validate(); err != nil {
		t.Fatalf("configuration refused: %v", err)
	}
	rt := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	if err := rt.Apply(ctx, cfg("one")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(ctx) })
	httpsAddr := "127.0.0.1:" + strconv.Itoa(httpsPort)
	client := func(name string) *http.Client {
		return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, httpsAddr)
			},
			TLSClientConfig: &tls.Config{RootCAs: p.Issuer, ServerName: name}, MaxConnsPerHost: 1}}
	}
	get := func(c *http.Client, name string) (string, bool) {
		t.Helper()
		reused := false
		trace := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }})
		req, _ := http.NewRequestWithContext(trace, http.MethodGet, "https://"+name+"/", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET https://%s/: %v", name, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body), reused
	}
	www := client("www.albatross.test")
	if body, _ := get(www, "www.albatross.test"); body != "one" {
		t.Errorf("www body %q", body)
	}
	if body, _ := get(client("alpn.albatross.test"), "alpn.albatross.test"); body != "one" {
		t.Errorf("alpn body %q", body)
	}
	for _, f := range []string{"acme_account+key", "www.albatross.test", "alpn.albatross.test"} {
		if m, _ := filepath.Glob(filepath.Join(dataDir, "acme", "*", f)); len(m) != 1 {
			t.Errorf("%s not kept under <data-dir>/acme: %v", f, m)
		}
	}

	// The HTTP listener: challenge paths of names no ACME entry lists, and every other path,
	// go to its rules.
	for _, tc := range []struct{ host, path string }{{"other.test", "/.well-known/acme-challenge/x"}, {"www.albatross.test", "/"}} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(httpPort)+tc.path, nil)
		req.Host = tc.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "plain" {
			t.Errorf("HTTP listener %s%s: %d %q, want the rules' answer", tc.host, tc.path, resp.StatusCode, body)
		}
	}

	// Reload with pebble gone: the certificates come from memory and the data dir, and the
	// connection opened before stays up.
	p.Server.Close()
	if err := rt.Apply(ctx, cfg("two")); err != nil {
		t.Fatal(err)
	}
	if body, reused := get(www, "www.albatross.test"); body != "two" || !reused {
		t.Errorf("open connection after the reload: body %q reused %v, want the new rules on the same connection", body, reused)
	}
	if body, _ := get(client("alpn.albatross.test"), "alpn.albatross.test"); body != "two" {
		t.Errorf("new connection after the reload: body %q", body)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "acme")); err != nil {
		t.Error(err)
	}
}
