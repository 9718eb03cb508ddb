package e2e

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// albAthenaRegex is the input.regex of the Athena table AWS documents for ALB access logs
// (docs.aws.amazon.com/athena/latest/ug/create-alb-access-logs-table.html, with conn_trace_id):
// what an Athena user's queries see of each entry. Groups: 1 type, 3 elb, 5 client_port,
// 6 target_ip, 11 elb_status_code, 13 received_bytes, 14 sent_bytes, 15-17 request verb, URL and
// protocol, 24 chosen_cert_arn, 25 matched_rule_priority, 27 actions_executed.
var albAthenaRegex = regexp.MustCompile(`^([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)? ?( .*)?$`)

// fieldCase is one request of TestAccessLogFieldsFromOutside and what its entry must say.
type fieldCase struct {
	desc, path, raw string
	status          string
	// unread: the request line could not be read, the entry's request is "- <scheme>://<DNS
	// name>:<port>- -" as ALB logs it; otherwise METHOD <scheme>://obs.example.com:<port><path>.
	unread  bool
	method  string
	actions string // actions_executed, "-" for the refusals
}

// TestAccessLogFieldsFromOutside (issue 20): the real binary, on both HTTP/1 engines, answers raw
// requests on an HTTP and an HTTPS listener; every access-log entry parses with AWS's Athena
// regex, carries the host the client sent (or the load balancer's DNS name where ALB logs it),
// the ARN of the certificate presented on HTTPS, and sent_bytes equal to the bytes the client
// received. Requests refused before any rule are logged too: TRACE, a desync block in strictest
// mode, an unsupported Transfer-Encoding, a request line and a header block over LIM-01's limits,
// an unreadable request line. HTTP/2 requests are checked for the host, type and certificate.
func TestAccessLogFieldsFromOutside(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	for _, engine := range []string{"own", "net/http"} {
		t.Run(strings.ReplaceAll(engine, "/", "-"), func(t *testing.T) {
			t.Parallel()
			testAccessLogFields(t, engine)
		})
	}
}

func testAccessLogFields(t *testing.T, engine string) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "E2E CA")
	certFile, keyFile := ca.Issue(t, tlstest.Spec{CN: "obs", DNSNames: []string{"obs.example.com"}}).WriteFiles(t, dir, "obs")
	certARN, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{Region: "eu-west-1"}, certFile)
	if err != nil {
		t.Fatal(err)
	}
	python, err := filepath.Abs("testdata/functions/python")
	if err != nil {
		t.Fatal(err)
	}
	site := startBackend(t, "site", nil)
	httpPort, httpsPort := freePort(t), freePort(t)
	rules := `
        default_actions: [{type: forward, target_group_name: site}]
        rules:
          - {priority: 1, conditions: [{field: path-pattern, values: ["/fixed*"]}], actions: [{type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: hello}}]}
          - {priority: 2, conditions: [{field: path-pattern, values: ["/redirect*"]}], actions: [{type: redirect, redirect_config: {host: other.example.com, status_code: HTTP_302}}]}
          - {priority: 3, conditions: [{field: path-pattern, values: ["/fn*"]}], actions: [{type: forward, target_group_name: fn}]}`
	var env []string
	if engine == "net/http" {
		env = []string{"ALBATROSS_HTTP1_ENGINE=net/http"}
	}
	inst := startEnv(t, env, nil, fmt.Sprintf(`
region: eu-west-1
load_balancers:
  - name: obs
    attributes: {access_logs.s3.enabled: "true", routing.http.desync_mitigation_mode: strictest}
    listeners:
      - port: %d
        address: 127.0.0.1%s
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]%s
target_groups:
  - {name: site, port: %d, targets: [{id: 127.0.0.1}]}
  - {name: fn, target_type: lambda, targets: [{id: python}]}
functions:
  - {function_name: python, runtime: python3.12, handler: app.handler, code: %q}
`, httpPort, rules, httpsPort, certFile, keyFile, rules, site.port, python), httpPort, httpsPort)

	host := "Host: obs.example.com\r\n"
	cases := []fieldCase{
		{desc: "TRACE refused before routing (LST-06)", path: "/trace", raw: "TRACE /trace HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", status: "405", method: "TRACE", actions: "-"},
		{desc: "desync Severe blocked (DSY-02)", path: "/desync-severe", raw: "POST /desync-severe HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
			status: "400", method: "POST", actions: "-"},
		{desc: "desync Acceptable blocked in strictest mode (DSY-02)", path: "/desync-acceptable", raw: "GET /desync-acceptable HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n",
			status: "400", method: "GET", actions: "-"},
		{desc: "Transfer-Encoding not supported (LST-07)", path: "/te", raw: "POST /te HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", status: "501", method: "POST", actions: "-"},
		{desc: "header block over 64 K (LIM-02)", path: "/big-head", raw: "GET /big-head HTTP/1.1\r\n" + host + strings.Repeat("X-Pad: "+strings.Repeat("p", 8000)+"\r\n", 9) + "\r\n",
			status: "400", method: "GET", actions: "-"},
		{desc: "request line over 16 K (LIM-02): not read", raw: "GET /" + strings.Repeat("a", 17<<10) + " HTTP/1.1\r\n" + host + "\r\n", status: "414", unread: true, actions: "-"},
		{desc: "unreadable request line", raw: "GARBAGE\r\n\r\n", status: "400", unread: true, actions: "-"},
		{desc: "fixed-response", path: "/fixed", raw: "GET /fixed HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", status: "200", method: "GET", actions: "fixed-response"},
		{desc: "redirect", path: "/redirect", raw: "GET /redirect HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", status: "302", method: "GET", actions: "redirect"},
		{desc: "Lambda answer", path: "/fn", raw: "GET /fn HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", status: "200", method: "GET", actions: "forward"},
		{desc: "proxied answer", path: "/proxied", raw: "GET /proxied HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", status: "200", method: "GET", actions: "forward"},
		{desc: "HTTP/1.0 without Host: the DNS name (LST-05)", path: "/fixed-no-host", raw: "GET /fixed-no-host HTTP/1.0\r\n\r\n", status: "200", method: "GET", actions: "fixed-response"},
	}
	listeners := []struct {
		scheme string
		port   int
		dial   func() (net.Conn, error)
		cert   string
	}{
		{"http", httpPort, func() (net.Conn, error) {
			return net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", httpPort), 5*time.Second)
		}, "-"},
		{"https", httpsPort, func() (net.Conn, error) {
			d := &net.Dialer{Timeout: 5 * time.Second}
			return tls.DialWithDialer(d, "tcp", fmt.Sprintf("127.0.0.1:%d", httpsPort),
				&tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "obs.example.com", NextProtos: []string{"http/1.1"}})
		}, certARN},
	}
	type sent struct {
		fieldCase
		scheme     string
		port       int
		cert       string
		clientPort string
		received   int
	}
	var all []sent
	for _, l := range listeners {
		for _, tc := range cases {
			conn, err := l.dial()
			if err != nil {
				t.Fatalf("%s %s: %v", l.scheme, tc.desc, err)
			}
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.WriteString(conn, tc.raw); err != nil {
				t.Fatalf("%s %s: %v", l.scheme, tc.desc, err)
			}
			// One answer per case, every byte of it counted. Read to its end, not to the
			// connection's: a keep-alive answer leaves the connection open, and waiting for the
			// close would cost the deadline (20 s) per listener.
			got, err := readOneResponse(conn)
			_, clientPort, _ := net.SplitHostPort(conn.LocalAddr().String())
			conn.Close()
			if err != nil || !strings.HasPrefix(string(got), "HTTP/1.") || !strings.HasPrefix(string(got)[9:], tc.status+" ") {
				t.Fatalf("%s %s: got %q (%v), want %s", l.scheme, tc.desc, got, err, tc.status)
			}
			all = append(all, sent{tc, l.scheme, l.port, l.cert, clientPort, len(got)})
		}
	}

	// HTTP/2 (h2 over TLS), a real client: the host and the certificate of each stream.
	h2 := client()
	tr := h2.Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "obs.example.com"}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP2(true)
	h2Cases := []fieldCase{
		{desc: "h2 TRACE (LST-06)", path: "/h2-trace", status: "405", method: "TRACE", actions: "-"},
		{desc: "h2 fixed-response", path: "/fixed-h2", status: "200", method: "GET", actions: "fixed-response"},
		{desc: "h2 redirect", path: "/redirect-h2", status: "302", method: "GET", actions: "redirect"},
		{desc: "h2 Lambda answer", path: "/fn-h2", status: "200", method: "GET", actions: "forward"},
		{desc: "h2 proxied answer", path: "/proxied-h2", status: "200", method: "GET", actions: "forward"},
	}
	for _, tc := range h2Cases {
		req := newRequest(t, tc.method, fmt.Sprintf("https://127.0.0.1:%d%s", httpsPort, tc.path), nil)
		req.Host = "obs.example.com"
		resp, _ := do(t, h2, req)
		if resp.ProtoMajor != 2 || strconv.Itoa(resp.StatusCode) != tc.status {
			t.Fatalf("%s: %s %s, want HTTP/2 %s", tc.desc, resp.Proto, resp.Status, tc.status)
		}
	}
	tr.CloseIdleConnections()

	var dnsName string
	eventually(t, "every entry in the access log", func() error {
		// Entries by type and client port: the OS may give two connections of the run the same
		// client port (to the other listener, or to the same one once the first is closed:
		// loopback reuses TIME_WAIT ports), so a key can hold several; the case's path picks.
		entries := map[string][][]string{}
		byPath := map[string][]string{}
		for _, line := range allAccessLogLines(t, inst) {
			m := albAthenaRegex.FindStringSubmatch(line)
			if m == nil {
				return fmt.Errorf("an entry the Athena regex does not parse: %s", line)
			}
			entries[m[1]+" "+m[5]] = append(entries[m[1]+" "+m[5]], m)
			byPath[urlPath(m[16])] = m
		}
		entryOf := func(s sent) ([]string, bool) {
			for _, m := range entries[s.scheme+" "+s.clientPort] {
				if s.unread == (m[15] == "-") && (s.unread || urlPath(m[16]) == s.path) {
					return m, true
				}
			}
			return nil, false
		}
		for _, s := range all {
			m, ok := entryOf(s)
			if !ok {
				return fmt.Errorf("%s %s: no entry for client port %s", s.scheme, s.desc, s.clientPort)
			}
			if s.path == "/fixed-no-host" {
				dnsName = strings.TrimSuffix(strings.TrimPrefix(m[16], s.scheme+"://"), fmt.Sprintf(":%d%s", s.port, s.path))
			}
		}
		if !strings.HasSuffix(dnsName, ".eu-west-1.elb.localhost") {
			return fmt.Errorf("LST-05: the HTTP/1.0 request without Host was logged with host %q", dnsName)
		}
		var problems []string
		check := func(desc string, m []string, scheme string, port int, tc fieldCase, cert string, received int) {
			wantType := scheme
			if strings.HasPrefix(tc.desc, "h2 ") {
				wantType = "h2"
			}
			want := fmt.Sprintf("%s %s://obs.example.com:%d%s HTTP/1.1", tc.method, scheme, port, tc.path)
			switch {
			case tc.unread:
				want = fmt.Sprintf("- %s://%s:%d- -", scheme, dnsName, port)
			case tc.path == "/fixed-no-host":
				want = fmt.Sprintf("GET %s://%s:%d%s HTTP/1.0", scheme, dnsName, port, tc.path)
			case wantType == "h2":
				want = strings.Replace(want, "HTTP/1.1", "HTTP/2.0", 1)
			}
			got := map[string]string{"type": m[1], "status": m[11], "request": m[15] + " " + m[16] + " " + m[17], "chosen_cert_arn": m[24], "actions": m[27]}
			wants := map[string]string{"type": wantType, "status": tc.status, "request": want, "chosen_cert_arn": cert, "actions": tc.actions}
			if tc.actions == "-" {
				got["matched_rule_priority"], wants["matched_rule_priority"] = m[25], "-"
				got["target"], wants["target"] = m[6]+m[7], "" // "-": the regex's [:-] takes the dash
			}
			if received >= 0 {
				got["sent_bytes"], wants["sent_bytes"] = m[14], strconv.Itoa(received)
			}
			for k, w := range wants {
				if got[k] != w {
					problems = append(problems, fmt.Sprintf("%s: %s %q, want %q", desc, k, got[k], w))
				}
			}
		}
		for _, s := range all {
			m, _ := entryOf(s)
			check(s.scheme+" "+s.desc, m, s.scheme, s.port, s.fieldCase, s.cert, s.received)
		}
		for _, tc := range h2Cases {
			m, ok := byPath[tc.path]
			if !ok {
				return fmt.Errorf("%s: no entry", tc.desc)
			}
			check(tc.desc, m, "https", httpsPort, tc, certARN, -1) // h2's sent_bytes: docs/observability.md
		}
		if len(problems) > 0 {
			return fmt.Errorf("%d fields differ:\n%s", len(problems), strings.Join(problems, "\n"))
		}
		return nil
	})
}

// urlPath is the path of a logged request URL ("https://h:443/p?q" -> "/p?q").
func urlPath(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if i := strings.IndexByte(rest, '/'); ok && i >= 0 {
		return rest[i:]
	}
	return ""
}

// readOneResponse reads one HTTP/1 response from conn, its body included, and returns its bytes
// exactly as received (nothing read past its end).
func readOneResponse(conn net.Conn) ([]byte, error) {
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(conn, &raw))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return raw.Bytes(), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return raw.Bytes()[:raw.Len()-br.Buffered()], err
}
