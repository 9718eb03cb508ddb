package e2e

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestHeaderCaseToHTTP1Target (H2-05, issue 14): through the real binary, an HTTP/1.1 client's
// field names reach an HTTP1 target byte for byte as the client spelt them and in its order,
// while the fields the load balancer writes (Host, X-Forwarded-*, X-Amzn-Trace-Id) keep their
// canonical form. The target is a bare TCP listener recording the head it receives, so nothing
// between the wire and the assertion re-cases a name.
func TestHeaderCaseToHTTP1Target(t *testing.T) {
	t.Parallel()
	heads := rawHeadTarget(t)
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: headercase
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: raw}]
target_groups:
  - {name: raw, port: %d, targets: [{id: 127.0.0.1}]}
`, port, heads.port), port)

	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "GET /case HTTP/1.1\r\nhost: a.example.com\r\nx-custom: 1\r\nX-MiXeD-Case: 2\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := io.ReadAll(c)
	if err != nil || !strings.HasPrefix(string(resp), "HTTP/1.1 200 ") {
		t.Fatalf("client got %q (%v), want 200", resp, err)
	}

	head := heads.get(t, "/case")
	custom, mixed := strings.Index(head, "\r\nx-custom: 1\r\n"), strings.Index(head, "\r\nX-MiXeD-Case: 2\r\n")
	if custom < 0 || mixed < 0 || custom > mixed {
		t.Errorf("the target received\n%s\nwant x-custom: 1 then X-MiXeD-Case: 2, spelt as sent", head)
	}
	for _, line := range []string{fmt.Sprintf("\r\nHost: a.example.com:%d\r\n", port), "\r\nX-Forwarded-For: 127.0.0.1\r\n", "\r\nX-Forwarded-Proto: http\r\n",
		fmt.Sprintf("\r\nX-Forwarded-Port: %d\r\n", port), "\r\nX-Amzn-Trace-Id: Root="} {
		if !strings.Contains(head, line) {
			t.Errorf("the target received\n%s\nwant a line %q", head, strings.TrimPrefix(line, "\r\n"))
		}
	}
	if strings.Contains(strings.ToLower(head), "\r\nconnection: close\r\n") {
		t.Errorf("the target received the client's hop-by-hop Connection field:\n%s", head)
	}
}

// rawHeads is an HTTP target made of a bare net.Listener: it answers every request (health
// checks included) 200 and sends the raw head of each on heads.
type rawHeads struct {
	port  int
	heads chan string
}

// rawHeadTarget starts a rawHeads on 127.0.0.1 for the test's lifetime.
func rawHeadTarget(t *testing.T) *rawHeads {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rh := &rawHeads{port: l.Addr().(*net.TCPAddr).Port, heads: make(chan string, 256)}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go rh.serve(c)
		}
	}()
	return rh
}

// serve answers the requests of one connection until it ends.
func (rh *rawHeads) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReader(c)
	for {
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			head.WriteString(line)
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		select {
		case rh.heads <- head.String():
		default: // a test that stopped reading must not block the target
		}
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
			return
		}
	}
}

// get returns the first head received for path.
func (rh *rawHeads) get(t *testing.T, path string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case head := <-rh.heads:
			if strings.HasPrefix(head, "GET "+path+" ") {
				return head
			}
		case <-deadline:
			t.Fatalf("the target received no request for %s", path)
			return ""
		}
	}
}

// TestHeaderCaseFromHTTP2Client (H2-05): an HTTP/2 client's field names, lowercase by protocol,
// reach an HTTP1 target lowercase, but for the names H2-05 lists as re-cased (Host,
// X-Forwarded-*, X-Amzn-Trace-Id), which the load balancer writes canonically.
func TestHeaderCaseFromHTTP2Client(t *testing.T) {
	t.Parallel()
	heads := rawHeadTarget(t)
	ca := tlstest.NewCA(t, "H2-05 CA")
	certFile, keyFile := ca.Issue(t, tlstest.Spec{CN: "h2", DNSNames: []string{"h2.test"}}).WriteFiles(t, t.TempDir(), "h2")
	port := freePort(t)
	start(t, fmt.Sprintf(`
load_balancers:
  - name: headercase2
    listeners:
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions: [{type: forward, target_group_name: raw}]
target_groups:
  - {name: raw, port: %d, targets: [{id: 127.0.0.1}]}
`, port, certFile, keyFile, heads.port), port)

	c := client()
	tr := c.Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "h2.test"}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP2(true)
	req, _ := http.NewRequest("GET", fmt.Sprintf("https://127.0.0.1:%d/case2", port), nil)
	req.Header["X-MiXeD-Case"] = []string{"2"}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
		t.Fatalf("got %s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}
	head := heads.get(t, "/case2")
	for _, line := range []string{"\r\nx-mixed-case: 2\r\n", "\r\nuser-agent: ", "\r\nHost: 127.0.0.1:", "\r\nX-Forwarded-For: 127.0.0.1\r\n",
		"\r\nX-Forwarded-Proto: https\r\n", "\r\nX-Amzn-Trace-Id: Root="} {
		if !strings.Contains(head, line) {
			t.Errorf("the target received\n%s\nwant a line %q", head, strings.TrimPrefix(line, "\r\n"))
		}
	}
}
