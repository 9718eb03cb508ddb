package router

import (
	"bytes"
	"crypto/tls"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/testkit"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// athenaRegex is the field regex of the Athena table AWS documents for ALB access logs
// (create-alb-access-logs-table); group 16 is the request URL (§8.2 field 13).
var athenaRegex = regexp.MustCompile(`^([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)? ?( .*)?$`)

var connTraceID = regexp.MustCompile(`TID_[0-9a-f]{32}`)

const goldenCertARN = "arn:aws:acm:us-east-1:000000000000:certificate/cd096bc9-8160-8d1f-ba76-72521dafcde4"

// accessLogCases are requests whose access-log entries issue 20 found differing from ALB's:
// the host of requests refused before routing (§8.2 field 13), sent_bytes (field 12) with the
// headers net/http adds, and chosen_cert_arn (field 20, TLS-03).
var accessLogCases = []struct {
	desc    string
	handler action.Handler
	request func() *http.Request
	host    string // expected in field 13
}{
	{"TRACE refused before routing keeps the host (LST-06)", answer(200, "unreached"),
		func() *http.Request { return httptest.NewRequest("TRACE", "http://obs.example.com/path", nil) }, "obs.example.com"},
	{"host with a port: the port is the listener's", answer(200, "unreached"),
		func() *http.Request { return httptest.NewRequest("TRACE", "http://Obs.Example.com:8080/path", nil) }, "obs.example.com"},
	{"desync Severe blocked: 400 keeps the host (DSY-02)", answer(200, "unreached"),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://obs.example.com/", nil)
			r.Header["X-Name"] = []string{"a\x00"}
			return r
		}, "obs.example.com"},
	{"header too large: refused, keeps the host (LIM-02)", answer(200, "unreached"),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://obs.example.com/", nil)
			r.Header.Set("X-Big", strings.Repeat("b", 17<<10))
			return r
		}, "obs.example.com"},
	{"request line over 16 K: 414, logged as a line not read (LIM-01, LOG-03)", answer(200, "unreached"),
		func() *http.Request {
			return httptest.NewRequest("GET", "http://obs.example.com/"+strings.Repeat("a", 16<<10), nil)
		},
		"web-1.elb.localhost"},
	{"too many X-Forwarded-For: 463 keeps the host", answer(200, "unreached"),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://obs.example.com/", nil)
			r.Header.Set("X-Forwarded-For", strings.Repeat("10.0.0.1, ", 30)+"10.0.0.1")
			return r
		}, "obs.example.com"},
	{"HTTP/1.0 without Host refused: the load balancer's DNS name (LST-05)", answer(200, "unreached"),
		func() *http.Request {
			r := httptest.NewRequest("TRACE", "/path", nil)
			r.Host, r.Proto, r.ProtoMinor = "", "HTTP/1.0", 0
			return r
		}, "web-1.elb.localhost"},
	{"fixed-response to a client asking to close: Connection: close counted", action.NewFixedResponse(200, "text/plain", "hello", true),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://obs.example.com/", nil)
			r.Close = true
			return r
		}, "obs.example.com"},
	{"function-style answer without a length: Content-Length counted", handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
		return nil
	}), func() *http.Request { return httptest.NewRequest("GET", "http://obs.example.com/", nil) }, "obs.example.com"},
	{"target answer with its own Date: not counted twice", handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Date", "Mon, 07 Dec 2026 06:57:03 GMT")
		w.Header().Set("Content-Length", "5")
		_, _ = w.Write([]byte("hello"))
		return nil
	}), func() *http.Request { return httptest.NewRequest("GET", "http://obs.example.com/", nil) }, "obs.example.com"},
	{"HTTPS: chosen_cert_arn is the presented certificate's ARN (TLS-03)", answer(200, "ok"),
		func() *http.Request {
			r := httptest.NewRequest("GET", "https://obs.example.com/", nil)
			var sni tlsconf.SNIResult
			sni.Record(true, goldenCertARN)
			return r.WithContext(tlsconf.WithSNIResult(r.Context(), &sni))
		}, "obs.example.com"},
	{"HTTPS resumed session: chosen_cert_arn session-reused (TLS-03)", answer(200, "ok"),
		func() *http.Request {
			r := httptest.NewRequest("GET", "https://obs.example.com/", nil)
			r.TLS.DidResume = true
			return r
		}, "obs.example.com"},
}

// TestAccessLogGolden pins the entries of accessLogCases as the router records them and the
// access log writes them; every entry parses with the Athena regex and carries the host the
// client asked for. Run with -update to rewrite testdata/accesslog.golden.
func TestAccessLogGolden(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	var got bytes.Buffer
	for _, tc := range accessLogCases {
		r := tc.request()
		protocol, port := "HTTP", 80
		if r.TLS != nil {
			protocol, port = "HTTPS", 443
			r.TLS.Version, r.TLS.CipherSuite = tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256
		}
		rt, obs := newRouter(Settings{Protocol: protocol, Port: port, DNSName: "web-1.elb.localhost", ServerHeader: true,
			LoadBalancer: "app/web/0123456789abcdef"}, alwaysMatch(-1, 0), nil, tc.handler)
		rt.ServeHTTP(httptest.NewRecorder(), r)
		ex := <-obs
		// What varies from run to run.
		ex.Received, ex.Finished, ex.Client = t0, t0.Add(time.Millisecond), netip.MustParseAddrPort("192.0.2.10:40000")
		if !ex.Routed.IsZero() {
			ex.Routed = t0
		}
		if ex.TraceID != "" {
			ex.TraceID = "Root=1-6934d9c0-0123456789abcdef01234567"
		}
		line := observe.AppendAccessLog(nil, ex)
		m := athenaRegex.FindStringSubmatch(strings.TrimSuffix(string(line), "\n"))
		if m == nil {
			t.Errorf("%s: entry does not parse: %s", tc.desc, line)
		} else if want := "://" + tc.host + ":"; !strings.Contains(m[16], want) {
			t.Errorf("%s: request URL %q, want host %s", tc.desc, m[16], tc.host)
		}
		got.WriteString("# " + tc.desc + "\n")
		got.Write(connTraceID.ReplaceAll(line, []byte("TID_<salted>"))) // salted per process (§12.23)
	}
	path := filepath.Join("testdata", "accesslog.golden")
	testkit.Golden(t, *update, path, got.Bytes())
}
