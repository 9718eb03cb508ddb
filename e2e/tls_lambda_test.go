package e2e

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestLambdaTargetOverHTTPS: the TLS facts reach a Lambda function in its event like any header
// (TLS-06, MTLS-03), over HTTP/2 too, and a wss upgrade to a Lambda target is a 400 (WS-02).
func TestLambdaTargetOverHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "E2E CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "fn", DNSNames: []string{"fn.test"}}).WriteFiles(t, dir, "fn")
	trust, _ := ca.WriteFiles(t, dir, "ca")
	code, err := filepath.Abs("testdata/functions/albecho")
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: fn
    attributes: {routing.http.x_amzn_tls_version_and_cipher_suite.enabled: "true"}
    listeners:
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]
        mutual_authentication: {mode: verify, trust_store: [%s]}
        default_actions: [{type: forward, target_group_name: echo}]
target_groups:
  - {name: echo, target_type: lambda, targets: [{id: echo}]}
functions:
  - {function_name: echo, runtime: provided.al2023, code: %q, build: go, timeout: 3}
`, port, cert, key, trust, code), port)
	alice := ca.Issue(t, tlstest.Spec{CN: "alice", Client: true, Serial: 0xBEEF})
	tlsConfig := &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "fn.test", Certificates: []tls.Certificate{alice.TLS()}}
	c := client()
	c.Transport.(*http.Transport).TLSClientConfig = tlsConfig
	c.Transport.(*http.Transport).ForceAttemptHTTP2 = true
	resp, body := do(t, c, newRequest(t, "GET", fmt.Sprintf("https://127.0.0.1:%d/hello", port), nil))
	var event struct {
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(body, &event); err != nil || resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Fatalf("%s %s: %s", resp.Proto, resp.Status, body)
	}
	want := map[string]string{
		"x-amzn-tls-version":                   "TLSv1.2",
		"x-amzn-mtls-clientcert-serial-number": "BEEF",
		"x-amzn-mtls-clientcert-subject":       "CN=alice,O=Albatross Test",
		"x-forwarded-proto":                    "https",
	}
	for k, v := range want {
		if event.Headers[k] != v {
			t.Errorf("event header %s = %q, want %q", k, event.Headers[k], v)
		}
	}

	conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: tlsConfig.RootCAs, ServerName: "fn.test",
		Certificates: tlsConfig.Certificates, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = conn.Write([]byte("GET /chat HTTP/1.1\r\nHost: fn.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 400 ") {
		t.Errorf("wss upgrade to a Lambda target answered %q, want 400 (WS-02)", buf[:n])
	}
}
