package e2e

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// tlsSetup is an HTTP and an HTTPS listener in front of one backend that echoes requests and
// WebSocket messages.
type tlsSetup struct {
	ca                  *tlstest.Cert
	httpPort, httpsPort int
	inst                *instance
}

func startTLS(t *testing.T) *tlsSetup {
	t.Helper()
	dir := t.TempDir()
	s := &tlsSetup{ca: tlstest.NewCA(t, "E2E CA"), httpPort: freePort(t), httpsPort: freePort(t)}
	defCert, defKey := s.ca.Issue(t, tlstest.Spec{CN: "default", DNSNames: []string{"www.test"}, Key: tlstest.RSA2048}).WriteFiles(t, dir, "default")
	apiCert, apiKey := s.ca.Issue(t, tlstest.Spec{CN: "api", DNSNames: []string{"api.test", "*.api.test"}}).WriteFiles(t, dir, "api")
	echo := echoHandler("site")
	site := startBackend(t, "site", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			wsEcho(w, r)
			return
		}
		echo.ServeHTTP(w, r)
	}))
	s.inst = start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    attributes: {routing.http.x_amzn_tls_version_and_cipher_suite.enabled: "true", access_logs.s3.enabled: "true"}
    listeners:
      - port: %[1]d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: site}]
        rules:
          - priority: 1
            conditions: [{field: path-pattern, values: ["/secure/*"]}]
            actions: [{type: redirect, redirect_config: {protocol: HTTPS, port: "%[2]d", status_code: HTTP_301}}]
      - port: %[2]d
        address: 127.0.0.1
        protocol: HTTPS
        ssl_policy: ELBSecurityPolicy-TLS13-1-2-2021-06
        certificates:
          - {certificate_file: %[3]s, private_key_file: %[4]s}
          - {certificate_file: %[5]s, private_key_file: %[6]s}
        mutual_authentication: {mode: passthrough}
        attributes: {routing.http.request.x_amzn_mtls_clientcert.header_name: X-Client-Chain}
        default_actions: [{type: forward, target_group_name: site}]
target_groups:
  - {name: site, port: %[7]d, targets: [{id: 127.0.0.1}]}
`, s.httpPort, s.httpsPort, defCert, defKey, apiCert, apiKey, site.port), s.httpPort, s.httpsPort)
	return s
}

func (s *tlsSetup) https(h2 bool, certs ...tls.Certificate) *http.Client {
	c := client()
	tr := c.Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{RootCAs: tlstest.Pool(s.ca), ServerName: "api.test", Certificates: certs}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP1(true)
	tr.Protocols.SetHTTP2(h2)
	return c
}

func TestHTTPSListener(t *testing.T) {
	t.Parallel()
	s := startTLS(t)
	addr := fmt.Sprintf("127.0.0.1:%d", s.httpsPort)
	t.Run("TLS-02 certificate by SNI", func(t *testing.T) {
		for sni, want := range map[string]string{"api.test": "api", "v2.api.test": "api", "www.test": "default", "": "default", "other.test": "default"} {
			conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
			if err != nil {
				t.Fatalf("SNI %q: %v", sni, err)
			}
			got := conn.ConnectionState().PeerCertificates[0].Subject.CommonName
			conn.Close()
			if got != want {
				t.Errorf("SNI %q: certificate %q, want %q", sni, got, want)
			}
		}
	})
	t.Run("TLS-04 a TLS 1.1 client is refused under a TLS 1.2 policy", func(t *testing.T) {
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
		if err == nil {
			conn.Close()
			t.Fatal("TLS 1.1 handshake succeeded")
		}
	})
	for _, h2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("H2-01 TLS-06 MTLS-02 forwarded headers, h2=%v", h2), func(t *testing.T) {
			alice := s.ca.Issue(t, tlstest.Spec{CN: "alice", Client: true})
			req := newRequest(t, "GET", "https://"+addr+"/hello", nil)
			req.Header.Set("X-Client-Chain", "forged")
			req.Header.Set("X-Amzn-Tls-Version", "forged")
			resp, body := do(t, s.https(h2, alice.TLS()), req)
			var got seen
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%s: %s", resp.Status, body)
			}
			if wantMajor := map[bool]int{false: 1, true: 2}[h2]; resp.ProtoMajor != wantMajor {
				t.Errorf("protocol %s", resp.Proto)
			}
			h := http.Header(got.Header)
			if h.Get("X-Amzn-Tls-Version") != "TLSv1.3" || h.Get("X-Amzn-Tls-Cipher-Suite") == "" || h.Get("X-Forwarded-Proto") != "https" {
				t.Errorf("TLS headers: %v", h)
			}
			pemChain, err := url.PathUnescape(h.Get("X-Client-Chain"))
			if err != nil || !strings.HasPrefix(pemChain, "-----BEGIN CERTIFICATE-----\n") || h.Get("X-Amzn-Mtls-Clientcert") != "" {
				t.Errorf("client chain header %q (renamed, MTLS-07)", h.Get("X-Client-Chain"))
			}
		})
	}
	t.Run("TLS-03 domain_name is the SNI name, or - when the default certificate stood in", func(t *testing.T) {
		for _, h2 := range []bool{false, true} {
			for sni, path := range map[string]string{"api.test": "/sni-matched", "other.test": "/sni-unmatched"} {
				c := s.https(h2)
				c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{ServerName: sni, InsecureSkipVerify: true}
				resp, _ := do(t, c, newRequest(t, "GET", fmt.Sprintf("https://%s%s-h2-%v", addr, path, h2), nil))
				if resp.StatusCode != 200 {
					t.Fatalf("SNI %s: %s", sni, resp.Status)
				}
			}
		}
		eventually(t, "domain_name in the access log", func() error {
			lines := accessLogLines(t, s.inst)
			for _, h2 := range []bool{false, true} {
				for path, want := range map[string]string{"/sni-matched": `"api.test"`, "/sni-unmatched": `"-"`} {
					suffix := fmt.Sprintf("%s-h2-%v", path, h2)
					i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, suffix+" HTTP/") })
					if i < 0 {
						return fmt.Errorf("no entry for %s", suffix)
					}
					// Field 19 ("domain_name") follows field 18, the quoted trace id.
					m := domainNameField.FindStringSubmatch(lines[i])
					if m == nil || `"`+m[1]+`"` != want {
						return fmt.Errorf("entry for %s: domain_name %q, want %s: %s", suffix, m, want, lines[i])
					}
				}
			}
			return nil
		})
	})
	t.Run("redirect from HTTP to HTTPS", func(t *testing.T) {
		resp, _ := do(t, client(), newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/secure/page?q=1", s.httpPort), nil))
		want := fmt.Sprintf("https://127.0.0.1:%d/secure/page?q=1", s.httpsPort)
		if resp.StatusCode != 301 || resp.Header.Get("Location") != want {
			t.Fatalf("%s Location %q, want 301 to %s", resp.Status, resp.Header.Get("Location"), want)
		}
	})
}

// TestChosenCertARN (TLS-03): chosen_cert_arn is the ARN derived from the certificate presented
// (the one DescribeListenerCertificates shows), and session-reused when the client resumed its
// TLS session. The listener has no mutual TLS, which turns session tickets off.
func TestChosenCertARN(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "E2E CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "api", DNSNames: []string{"api.test"}}).WriteFiles(t, dir, "api")
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
region: eu-west-1
load_balancers:
  - name: web
    attributes: {access_logs.s3.enabled: "true"}
    listeners:
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200", message_body: ok}}]
`, port, cert, key), port)
	want, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{Region: "eu-west-1"}, cert)
	if err != nil {
		t.Fatal(err)
	}
	// One session cache, a new connection per request: the second handshake resumes.
	tr := &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "api.test",
		ClientSessionCache: tls.NewLRUClientSessionCache(4)}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	addr := fmt.Sprintf("https://127.0.0.1:%d", port)
	if resp, _ := do(t, c, newRequest(t, "GET", addr+"/cert-full", nil)); resp.TLS.DidResume {
		t.Fatal("the first connection resumed a session")
	}
	if resp, _ := do(t, c, newRequest(t, "GET", addr+"/cert-resumed", nil)); !resp.TLS.DidResume {
		t.Fatal("the second connection did not resume the session")
	}
	eventually(t, "chosen_cert_arn in the access log", func() error {
		lines := accessLogLines(t, inst)
		for path, want := range map[string]string{"/cert-full": want, "/cert-resumed": "session-reused"} {
			i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, path+" HTTP/") })
			if i < 0 {
				return fmt.Errorf("no entry for %s", path)
			}
			if m := certARNField.FindStringSubmatch(lines[i]); m == nil || m[1] != want {
				return fmt.Errorf("entry for %s: chosen_cert_arn %q, want %s: %s", path, m, want, lines[i])
			}
		}
		return nil
	})
}

// TestWebSocketEcho (WS-01): a WebSocket through the load balancer reaches the target and stays
// open for several messages, on ws and wss.
func TestWebSocketEcho(t *testing.T) {
	t.Parallel()
	s := startTLS(t)
	dialers := map[string]func() (net.Conn, error){
		"ws": func() (net.Conn, error) {
			return net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.httpPort), 5*time.Second)
		},
		"wss": func() (net.Conn, error) {
			return tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.httpsPort),
				&tls.Config{RootCAs: tlstest.Pool(s.ca), ServerName: "api.test", NextProtos: []string{"http/1.1"}})
		},
	}
	for scheme, dial := range dialers {
		t.Run(scheme, func(t *testing.T) {
			conn, err := dial()
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			br := wsHandshake(t, conn)
			for _, msg := range []string{"hello", "through the ALB", strings.Repeat("x", 300)} {
				if err := wsWrite(conn, msg, true); err != nil {
					t.Fatal(err)
				}
				got, err := wsRead(br)
				if err != nil || got != "echo: "+msg {
					t.Fatalf("got %q, %v; want echo of %q", got, err, msg)
				}
			}
		})
	}
	// One access log entry per WebSocket connection, written when it closes, typed ws or wss.
	eventually(t, "ws and wss access log entries", func() error {
		lines := accessLogLines(t, s.inst)
		for _, typ := range []string{"ws ", "wss "} {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, typ) && strings.Contains(l, " 101 ") }) {
				return fmt.Errorf("no %q entry with status 101 in %q", typ, lines)
			}
		}
		return nil
	})
}

// certARNField captures chosen_cert_arn, the quoted field after domain_name (§8.2 field 20).
var certARNField = regexp.MustCompile(`"(?:Self|Root)=[^"]*" "[^"]*" "([^"]*)"`)

// domainNameField captures domain_name, the quoted field after the trace id (§8.2 fields 18-19).
var domainNameField = regexp.MustCompile(`"(?:Self|Root)=[^"]*" "([^"]*)"`)

// accessLogLines reads the plain-text access log files of inst (the current period's).
func accessLogLines(t *testing.T, inst *instance) []string {
	t.Helper()
	var lines []string
	root := filepath.Join(filepath.Dir(inst.config), "data", "access-logs")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".log") {
			b, _ := os.ReadFile(path)
			lines = append(lines, strings.Split(strings.TrimSpace(string(b)), "\n")...)
		}
		return nil
	})
	return lines
}

// TestCertificateReload: replaced certificate files reach new handshakes after a configuration
// reload, while a keep-alive connection opened before keeps working; a broken file is refused
// and the previous certificates keep serving.
func TestCertificateReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "E2E CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "first", DNSNames: []string{"site.test"}}).WriteFiles(t, dir, "site")
	port := freePort(t)
	config := func(body string) string {
		return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions:
          - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: %q}}
`, port, cert, key, body)
	}
	inst := start(t, config("v1"), port)
	served := func() string {
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "site.test"})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	old := client()
	old.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "site.test"}
	url := fmt.Sprintf("https://127.0.0.1:%d/", port)
	do(t, old, newRequest(t, "GET", url, nil))

	ca.Issue(t, tlstest.Spec{CN: "second", DNSNames: []string{"site.test"}}).WriteFiles(t, dir, "site")
	inst.rewrite(config("v2"))
	inst.waitLog("configuration reloaded", 1)
	if got := served(); got != "second" {
		t.Errorf("after reload: certificate %q, want second", got)
	}
	if resp, body := do(t, old, newRequest(t, "GET", url, nil)); string(body) != "v2" || resp.TLS.PeerCertificates[0].Subject.CommonName != "first" {
		t.Errorf("old connection: %q over %q, want v2 over the first certificate", body, resp.TLS.PeerCertificates[0].Subject.CommonName)
	}

	writeFile(t, cert, "half-written")
	inst.rewrite(config("v3"))
	inst.waitLog("configuration rejected", 1)
	if got := served(); got != "second" {
		t.Errorf("after a broken file: certificate %q, want second kept", got)
	}
}
