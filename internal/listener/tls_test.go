package listener

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// httpsFixture is a CA and a server certificate for "site.test" written to files.
type httpsFixture struct {
	ca   *tlstest.Cert
	cert tlsconf.CertFile
	dir  string
}

func newHTTPSFixture(t *testing.T) *httpsFixture {
	t.Helper()
	f := &httpsFixture{ca: tlstest.NewCA(t, "Test CA"), dir: t.TempDir()}
	c, k := f.ca.Issue(t, tlstest.Spec{CN: "site", DNSNames: []string{"site.test"}}).WriteFiles(t, f.dir, "site")
	f.cert = tlsconf.CertFile{CertificateFile: c, PrivateKeyFile: k}
	return f
}

// options builds HTTPS listener options over the fixture's certificate.
func (f *httpsFixture) options(t *testing.T, s tlsconf.Settings, h tlsconf.Headers) Options {
	t.Helper()
	s.Certificates = []tlsconf.CertFile{f.cert}
	cfg, err := tlsconf.ServerConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	return Options{TLS: cfg, TLSHeaders: h}
}

// client trusts the fixture's CA; h2 enables HTTP/2.
func (f *httpsFixture) client(h2 bool, certs ...tls.Certificate) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: tlstest.Pool(f.ca), ServerName: "site.test", Certificates: certs}}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP1(true)
	tr.Protocols.SetHTTP2(h2)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// echoTLS answers with the request's protocol, TLS version and the headers named in the query.
var echoTLS = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	version := "none"
	if r.TLS != nil {
		version = tlsconf.VersionName(r.TLS.Version)
	}
	fmt.Fprintf(w, "%s %s", r.Proto, version)
	for _, h := range r.URL.Query()["h"] {
		fmt.Fprintf(w, "|%s=%s", h, r.Header.Get(h))
	}
})

func fetch(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestHTTPSServesBothProtocols: HTTP/1.1 (under albConn) and HTTP/2 (bare *tls.Conn) both see
// r.TLS; forged TLS headers are replaced (TLS-06).
func TestHTTPSServesBothProtocols(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	l := listen(t, echoTLS, f.options(t, tlsconf.Settings{HTTP2: true, Policy: "ELBSecurityPolicy-TLS13-1-2-2021-06"},
		tlsconf.Headers{VersionAndCipher: true}))
	url := "https://" + l.Addr().String() + "/?h=X-Amzn-Tls-Version"
	for _, h2 := range []bool{false, true} {
		_, body := fetch(t, f.client(h2), url, "X-Amzn-Tls-Version", "forged")
		proto := map[bool]string{false: "HTTP/1.1", true: "HTTP/2.0"}[h2]
		if want := proto + " TLSv1.3|X-Amzn-Tls-Version=TLSv1.3"; body != want {
			t.Errorf("h2=%v: got %q, want %q", h2, body, want)
		}
	}
}

// TestHTTPSWithoutHTTP2: routing.http2.enabled=false leaves clients on HTTP/1.1 (H2-01).
func TestHTTPSWithoutHTTP2(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	l := listen(t, echoTLS, f.options(t, tlsconf.Settings{HTTP2: false}, tlsconf.Headers{}))
	if _, body := fetch(t, f.client(true), "https://"+l.Addr().String()+"/"); body != "HTTP/1.1 TLSv1.2" {
		t.Errorf("got %q, want HTTP/1.1 under the default policy 2016-08 (TLS 1.2 at most)", body)
	}
}

// TestHTTP2Multiplexing: concurrent requests share one connection up to 128 streams (H2-02);
// the 129th concurrent request needs a second connection.
func TestHTTP2Multiplexing(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	const n = h2MaxStreams + 1
	var mu sync.Mutex
	remotes := map[string]int{}
	arrived := make(chan struct{}, n)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr]++
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		_, _ = io.WriteString(w, r.Proto)
	})
	l := listen(t, h, f.options(t, tlsconf.Settings{HTTP2: true}, tlsconf.Headers{}))
	c := f.client(true)
	// One request first, so that the client has the server's SETTINGS (128 streams) before the
	// burst: until then Go's client assumes 100 and would open a second connection early.
	go func() { <-arrived; release <- struct{}{} }()
	resp, err := c.Get("https://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	mu.Lock()
	clear(remotes)
	mu.Unlock()

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			resp, err := c.Get("https://" + l.Addr().String() + "/")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "HTTP/2.0" {
					err = fmt.Errorf("proto %q", b)
				}
			}
			errs <- err
		})
	}
	for range n {
		<-arrived // every request is in the handler at once
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts := []int{}
	for _, k := range remotes {
		counts = append(counts, k)
	}
	if len(counts) != 2 || max(counts[0], counts[1]) != h2MaxStreams {
		t.Errorf("streams per connection %v, want 128 and 1", counts)
	}
}

// TestClientKeepAlive (TMO-03): a connection older than client_keep_alive serves one more
// request, then closes: HTTP/1 with Connection: close, HTTP/2 with GOAWAY (the client's next
// request goes on a new connection).
func TestClientKeepAlive(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.RemoteAddr) })
	for _, tc := range []struct {
		desc      string
		keepAlive time.Duration
		h2, fresh bool
	}{
		{desc: "HTTP/1 young connection reused", keepAlive: time.Hour},
		{desc: "HTTP/1 old connection closed", keepAlive: time.Nanosecond, fresh: true},
		{desc: "HTTP/2 young connection reused", keepAlive: time.Hour, h2: true},
		{desc: "HTTP/2 old connection gets GOAWAY", keepAlive: time.Nanosecond, h2: true, fresh: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			opts := f.options(t, tlsconf.Settings{HTTP2: true}, tlsconf.Headers{})
			opts.ClientKeepAlive = tc.keepAlive
			l := listen(t, h, opts)
			c := f.client(tc.h2)
			url := "https://" + l.Addr().String() + "/"
			resp, first := fetch(t, c, url)
			if resp.Close != (tc.fresh && !tc.h2) {
				t.Errorf("first response Close=%v", resp.Close)
			}
			time.Sleep(20 * time.Millisecond) // let the GOAWAY reach the client's pool
			_, second := fetch(t, c, url)
			if (first != second) != tc.fresh {
				t.Errorf("connections %s then %s; want a new one: %v", first, second, tc.fresh)
			}
		})
	}
}

// TestHTTPSStalledRequestGets408: albConn's 408 (TMO-01) is written inside TLS.
func TestHTTPSStalledRequestGets408(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	opts := f.options(t, tlsconf.Settings{}, tlsconf.Headers{})
	opts.IdleTimeout = 300 * time.Millisecond
	l := listen(t, okHandler("ok"), opts)
	conn, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: tlstest.Pool(f.ca), ServerName: "site.test"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: site"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no 408 over TLS: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 408 || string(body) != elberr.Page(408) {
		t.Errorf("got %d %q, want the ALB 408 page", resp.StatusCode, body)
	}
}

// TestMTLSThroughListener: verify mode adds the leaf's headers; a client without a certificate
// gets no HTTP response at all (MTLS-03, MTLS-05).
func TestMTLSThroughListener(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	clientCA := tlstest.NewCA(t, "Client CA")
	trust, _ := clientCA.WriteFiles(t, f.dir, "client-ca")
	alice := clientCA.Issue(t, tlstest.Spec{CN: "alice", Client: true}).TLS()
	opts := f.options(t, tlsconf.Settings{MutualAuth: tlsconf.MutualAuth{Mode: tlsconf.MTLSVerify, TrustStore: []string{trust}}},
		tlsconf.Headers{MTLSMode: tlsconf.MTLSVerify, Names: tlsconf.HeaderNames{Subject: "X-Client-Subject"}})
	l := listen(t, echoTLS, opts)
	url := "https://" + l.Addr().String() + "/?h=X-Client-Subject"
	if _, body := fetch(t, f.client(true, alice), url); !strings.HasSuffix(body, "|X-Client-Subject=CN=alice,O=Albatross Test") {
		t.Errorf("got %q, want the renamed subject header (MTLS-07)", body)
	}
	if resp, err := f.client(false).Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("a client without a certificate got %s", resp.Status)
	}
}

// TestHTTPSReloadKeepsConnections: new TLS settings apply to new handshakes; a keep-alive
// connection made before keeps working.
func TestHTTPSReloadKeepsConnections(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	l := listen(t, echoTLS, f.options(t, tlsconf.Settings{}, tlsconf.Headers{}))
	old := f.client(false)
	url := "https://" + l.Addr().String() + "/"
	_, before := fetch(t, old, url)
	l.SetOptions(f.options(t, tlsconf.Settings{Policy: "ELBSecurityPolicy-TLS13-1-3-2021-06"}, tlsconf.Headers{}))
	if _, body := fetch(t, old, url); body != before {
		t.Errorf("old connection: %q, want %q", body, before)
	}
	if _, body := fetch(t, f.client(false), url); body != "HTTP/1.1 TLSv1.3" {
		t.Errorf("new connection: %q, want TLS 1.3 under the new policy", body)
	}
}

// TestConnectionEnd covers the per-request end-of-life decision: TMO-03 by age, H2-03 after
// 10,000 HTTP/2 requests, never on a WebSocket upgrade.
func TestConnectionEnd(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc     string
		age      time.Duration
		served   int64
		major    int
		upgrade  bool
		wantLast bool
	}{
		{desc: "young HTTP/1 connection", age: time.Minute, major: 1},
		{desc: "TMO-03 old HTTP/1 connection", age: 2 * time.Hour, major: 1, wantLast: true},
		{desc: "TMO-03 old connection upgrading to WebSocket", age: 2 * time.Hour, major: 1, upgrade: true},
		{desc: "H2-03 request 9,999", served: 9998, major: 2},
		{desc: "H2-03 request 10,000", served: 9999, major: 2, wantLast: true},
		{desc: "no request limit on HTTP/1", served: 20000, major: 1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			g := &generation{l: &Listener{}, opts: Options{}.withDefaults()}
			var h http.Handler = okHandler("ok")
			g.l.handler.Store(&h)
			info := &connInfo{born: time.Now().Add(-tc.age)}
			info.requests.Store(tc.served)
			r := httptest.NewRequestWithContext(context.WithValue(context.Background(), connInfoKey{}, info), "GET", "/", nil)
			r.ProtoMajor = tc.major
			if tc.upgrade {
				r.Header.Set("Upgrade", "websocket")
			}
			w := httptest.NewRecorder()
			g.serveHTTP(w, r)
			if last := w.Header().Get("Connection") == "close" && r.Close; last != tc.wantLast {
				t.Errorf("last response %v, want %v", last, tc.wantLast)
			}
		})
	}
}

// TestCloseCutsHandshakes: a client that connects to an HTTPS listener and never says hello does
// not hold Close up until the idle timeout.
func TestCloseCutsHandshakes(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	opts := f.options(t, tlsconf.Settings{}, tlsconf.Headers{})
	l, err := Listen("127.0.0.1:0", okHandler("ok"), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		// Wait until the listener has taken the connection into a handshake.
		l.mu.Lock()
		n := len(l.handshaking)
		l.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connection never reached the handshake")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("silent client read %v, want EOF once Close cut the handshake", err)
	}
}
