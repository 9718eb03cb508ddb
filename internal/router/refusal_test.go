package router

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/testkit"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// refusalCases are requests the connection refused before the pipeline (RecordRefusal), with the
// host ALB logs for each: the one sent, or the load balancer's DNS name when none was sent or the
// request line could not be read ("- http://<DNS name>:80- -" in captured ALB entries).
var refusalCases = []struct {
	desc    string
	refusal elberr.Refusal
	request string // field 13 as the Athena regex splits it: verb, URL, protocol
}{
	{"unreadable request line: 400, - http://<DNS name>:80- -",
		elberr.Refusal{Status: 400, SentBytes: 272},
		"- http://web-1.elb.localhost:80- -"},
	{"unsupported Transfer-Encoding: 501 with the host sent (LST-07)",
		elberr.Refusal{Status: 501, Method: "POST", Target: "/upload", Proto: "HTTP/1.1", Host: "Obs.Example.com:8080", UserAgent: "curl/8.5.0", ReceivedBytes: 96, SentBytes: 284},
		"POST http://obs.example.com:80/upload HTTP/1.1"},
	{"absolute-form target: its authority is the host (RFC 9112 section 3.2.2)",
		elberr.Refusal{Status: 505, Method: "GET", Target: "http://abs.example.com:8080/x?y", Proto: "HTTP/3.0", Host: "other.example.com", ReceivedBytes: 60, SentBytes: 300},
		"GET http://abs.example.com:80/x?y HTTP/3.0"},
	{"HTTP/1.1 without Host: 400 with the DNS name (LST-05b)",
		elberr.Refusal{Status: 400, Method: "GET", Target: "/", Proto: "HTTP/1.1", ReceivedBytes: 16, SentBytes: 272},
		"GET http://web-1.elb.localhost:80/ HTTP/1.1"},
	{"head no target could be sent: 400 with its classification (DSY-02)",
		elberr.Refusal{Status: 400, Method: "GET", Target: "/", Proto: "HTTP/1.1", Host: "obs.example.com", Classification: "Severe", ClassificationReason: "BadHeader", ReceivedBytes: 50, SentBytes: 272},
		"GET http://obs.example.com:80/ HTTP/1.1"},
	{"HTTPS: the certificate presented (TLS-03)",
		elberr.Refusal{Status: 400, Method: "GET", Target: "/big", Proto: "HTTP/1.1", Host: "obs.example.com", ReceivedBytes: 70000, SentBytes: 272,
			TLS: &tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256, ServerName: "obs.example.com"}},
		"GET https://obs.example.com:443/big HTTP/1.1"},
}

// TestRecordRefusalGolden pins the entries of refusalCases as the router records them and the
// access log writes them; each parses with the Athena regex into the expected request fields.
// Run with -update to rewrite testdata/refusals.golden.
func TestRecordRefusalGolden(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	var got bytes.Buffer
	for _, tc := range refusalCases {
		protocol, port := "HTTP", 80
		ctx := context.Background()
		if tc.refusal.TLS != nil {
			protocol, port = "HTTPS", 443
			var sni tlsconf.SNIResult
			sni.Record(true, goldenCertARN)
			ctx = tlsconf.WithSNIResult(ctx, &sni)
		}
		rt, obs := newRouter(Settings{Protocol: protocol, Port: port, DNSName: "web-1.elb.localhost",
			LoadBalancer: "app/web/0123456789abcdef"}, alwaysMatch(-1, 0), nil, answer(200, "unreached"))
		ref := tc.refusal
		ref.Received, ref.RemoteAddr = t0, "[::ffff:192.0.2.10]:40000"
		rt.RecordRefusal(ctx, &ref)
		ex := <-obs
		if ex.Client != netip.MustParseAddrPort("192.0.2.10:40000") {
			t.Errorf("%s: client %v", tc.desc, ex.Client)
		}
		ex.Finished = t0.Add(time.Millisecond)
		line := observe.AppendAccessLog(nil, ex)
		m := athenaRegex.FindStringSubmatch(strings.TrimSuffix(string(line), "\n"))
		if m == nil {
			t.Errorf("%s: entry does not parse: %s", tc.desc, line)
		} else if req := m[15] + " " + m[16] + " " + m[17]; req != tc.request {
			t.Errorf("%s: request %q, want %q", tc.desc, req, tc.request)
		}
		got.WriteString("# " + tc.desc + "\n")
		got.Write(connTraceID.ReplaceAll(line, []byte("TID_<salted>")))
	}
	path := filepath.Join("testdata", "refusals.golden")
	testkit.Golden(t, *update, path, got.Bytes())
}

// The router is what the listener hands refusals to.
var _ elberr.RefusalRecorder = (*Router)(nil)
