package observe

import (
	"bytes"
	"crypto/tls"
	"flag"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func init() { connSalt = [16]byte{} } // stable conn_trace_id values for the golden files

const (
	testLB  = "app/web/50dc6c495c0c9188"
	testTG  = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/site/73e2d6bc24d8a067"
	testFn  = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/0123456789abcdef"
	traceID = "Root=1-6776020d-0123456789abcdef01234567"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 632000000, time.UTC)

// base is a GET received on an HTTP listener, before anything was decided.
func base() *Exchange {
	return &Exchange{
		Received: t0, Finished: t0.Add(46 * time.Millisecond), Client: netip.MustParseAddrPort("198.51.100.7:51234"),
		Protocol: "HTTP", ListenerPort: 80, RequestHost: "api.example.com", TraceID: traceID,
		LoadBalancer: testLB, Method: "GET", RequestURI: "/v1/items?id=7", HTTPVersion: "HTTP/1.1",
		UserAgent: "curl/8.5.0", MatchedRulePriority: NotRouted, ReceivedBytes: 412, SentHeaderBytes: 120,
	}
}

// outcome edits base into one kind of finished exchange.
type outcome struct {
	desc string
	edit func(ex *Exchange)
}

func dispatched(ex *Exchange, target string, status int) {
	ex.TargetSent = ex.Received.Add(time.Millisecond)
	ex.TargetResponded = ex.TargetSent.Add(45 * time.Millisecond)
	ex.Target, ex.TargetStatus, ex.Status = target, status, status
}

var outcomes = []outcome{
	{"forward to an HTTP target (RUL-02 priority 10, ACT-03 forward)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 200)
		ex.BytesSent = 987
	}},
	{"forward to a Lambda function, default rule (LAM-30: target and lists -)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 0, []string{"forward"}, testFn
		dispatched(ex, "", 200)
		ex.BytesSent = 2
	}},
	{"Lambda invalid response: 502 LambdaInvalidResponse (LAM-30, §8.3)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 0, []string{"forward"}, testFn
		dispatched(ex, "", 0)
		ex.Status, ex.ErrorReason, ex.BytesSent = 502, "LambdaInvalidResponse", 110
	}},
	{"HTTP target timed out: 504, target times -1", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		ex.Target, ex.TargetSent, ex.Status = "10.0.0.5:8081", ex.Received.Add(time.Millisecond), 504
	}},
	{"no registered target: 503, not dispatched", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		ex.Status, ex.BytesSent = 503, 162
	}},
	{"redirect (ACT-03 redirect, redirect_url)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status = 20, []string{"redirect"}, 301
		ex.RedirectURL = "https://api.example.com:443/new/v1/items?id=7"
	}},
	{"fixed-response", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status, ex.BytesSent = 30, []string{"fixed-response"}, 418, 15
	}},
	{"too many X-Forwarded-For: 463 before routing (RUL-02 -, ACT-03 -)", func(ex *Exchange) {
		ex.Status, ex.BytesSent = 463, 0
	}},
	{"unreadable request line: 400, request - http://<load balancer DNS name>:80- - as ALB logs it", func(ex *Exchange) {
		ex.Method, ex.RequestURI, ex.HTTPVersion, ex.UserAgent, ex.TraceID = "", "", "", "", ""
		ex.RequestHost, ex.ReceivedBytes = "web-50dc6c495c0c9188.elb.localhost", 0
		ex.Status, ex.SentHeaderBytes, ex.BytesSent = 400, 150, 122
	}},
	{"client left first: 460", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 0, []string{"forward"}, testFn
		ex.TargetSent, ex.Status = ex.Received.Add(time.Millisecond), 460
	}},
	{"weighted forward with a forged cookie (AWSALBTGCookieInvalid)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.6:8082", 200)
		ex.ErrorReason = "AWSALBTGCookieInvalid"
	}},
	{"HTTPS over HTTP/2 with SNI and escaped user agent, IPv6 client", func(ex *Exchange) {
		ex.Protocol, ex.ListenerPort, ex.HTTPVersion = "HTTPS", 443, "HTTP/2.0"
		ex.Client = netip.MustParseAddrPort("[2001:db8::7]:51234")
		ex.TLS = &tls.ConnectionState{Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ServerName: "api.example.com", NegotiatedProtocol: "h2"}
		ex.UserAgent = "evil\" agent\n\\"
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 200)
	}},
	{"WebSocket upgrade on HTTP: type ws", func(ex *Exchange) {
		ex.WebSocket = true
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 101)
	}},
	{"HTTPS with an SNI name matching no certificate: default served, domain_name - (TLS-03)", func(ex *Exchange) {
		ex.Protocol, ex.ListenerPort = "HTTPS", 443
		ex.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256, ServerName: "unknown.example.net"}
		ex.SNIDefaultCert = true
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 200)
	}},
	{"desync Severe blocked: 400 before routing, invalid header names forwarded (DSY-02, DSY-03)", func(ex *Exchange) {
		ex.Classification, ex.ClassificationReason, ex.Status = "Severe", "BadHeader", 400
		ex.InvalidHeaders = InvalidHeadersForwarded
	}},
	{"desync Acceptable allowed, invalid header names dropped (DSY-02, DSY-03, H2-01)", func(ex *Exchange) {
		ex.Classification, ex.ClassificationReason = "Acceptable", "NonCompliantHeader"
		ex.InvalidHeaders = InvalidHeadersDropped
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 200)
	}},
	{"authenticate: 302 to the IdP (ACT-03 authenticate, redirect_url)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status = 10, []string{"authenticate"}, 302
		ex.RedirectURL = "https://idp.example.com/authorize?client_id=c&response_type=code"
	}},
	{"sign-in finished at the callback: ELBAuthSuccess, ELBAuthLatency", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status = 10, []string{"authenticate"}, 302
		ex.AuthSucceeded, ex.AuthLatency = true, 42*time.Millisecond
	}},
	{"signed in, forwarded after a refresh (ACT-03 authenticate,forward; ELBAuthRefreshTokenSuccess)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.TargetGroupARN = 10, []string{"authenticate", "forward"}, testTG
		dispatched(ex, "10.0.0.5:8081", 200)
		ex.AuthRefreshed, ex.AuthLatency = true, 8*time.Millisecond
	}},
	{"token endpoint timed out: 500 AuthTokenEpRequestTimeout (AUTH-04, ELBAuthError)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status, ex.ErrorReason = 10, []string{"authenticate"}, 500, "AuthTokenEpRequestTimeout"
		ex.AuthLatency = 5 * time.Second
	}},
	{"invalid state: 401 AuthInvalidStateParam (AUTH-04, ELBAuthFailure)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status, ex.ErrorReason = 10, []string{"authenticate"}, 401, "AuthInvalidStateParam"
	}},
	{"claims over 11 K: 500 AuthUserinfoResponseSizeExceeded (ELBAuthUserClaimsSizeExceeded)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status, ex.ErrorReason = 10, []string{"authenticate"}, 500, "AuthUserinfoResponseSizeExceeded"
	}},
	{"jwt-validation refused the token: 401 (ELBAuthFailure)", func(ex *Exchange) {
		ex.MatchedRulePriority, ex.ActionsExecuted, ex.Status, ex.AuthFailed = 10, []string{"authenticate"}, 401, true
	}},
}

// TestAccessLogGolden pins one entry per outcome (§8.2 fields 1-33, LOG-02's shape, RUL-02,
// ACT-03, LAM-30, LAM-31, §12.22). Run with -update to rewrite testdata/accesslog.golden.
func TestAccessLogGolden(t *testing.T) {
	var got bytes.Buffer
	for _, o := range outcomes {
		ex := base()
		o.edit(ex)
		got.WriteString("# " + o.desc + "\n")
		got.Write(AppendAccessLog(nil, ex))
	}
	path := filepath.Join("testdata", "accesslog.golden")
	testkit.Golden(t, *update, path, got.Bytes())
}

// athenaRegex is the field regex of the Athena table AWS documents for ALB access logs
// (create-alb-access-logs-table), rewritten here: every entry must parse with it.
var athenaRegex = regexp.MustCompile(`^([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)" "([^ ]*)" "([^\s]+?)" "([^\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)? ?( .*)?$`)

// TestAccessLogParses: every golden outcome parses with the Athena regex into 33+ groups, with
// the fields a user queries most in the right places.
func TestAccessLogParses(t *testing.T) {
	for _, o := range outcomes {
		t.Run(o.desc, func(t *testing.T) {
			t.Parallel()
			ex := base()
			o.edit(ex)
			line := strings.TrimSuffix(string(AppendAccessLog(nil, ex)), "\n")
			m := athenaRegex.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("entry does not parse: %s", line)
			}
			// Groups: 3 elb, 11 elb_status_code, 25 matched_rule_priority, 34 conn_trace_id.
			if m[3] != testLB || m[11] != itoaOrDash(ex.Status) || m[22] != orDash(ex.TraceID) || !strings.HasPrefix(m[34], "TID_") || len(m[34]) != 36 {
				t.Errorf("elb %q status %q trace %q conn_trace_id %q in %s", m[3], m[11], m[22], m[34], line)
			}
		})
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func itoaOrDash(n int) string {
	if n == 0 {
		return "-"
	}
	return string(appendStatus(nil, n)[1:])
}

// TestConnTraceIDStable: the same connection gives the same ID, another port another (§12.23).
func TestConnTraceIDStable(t *testing.T) {
	t.Parallel()
	a := netip.MustParseAddrPort("192.0.2.1:1000")
	one, two := AppendConnTraceID(nil, a, 80), AppendConnTraceID(nil, a, 80)
	other := AppendConnTraceID(nil, netip.MustParseAddrPort("192.0.2.1:1001"), 80)
	if !bytes.Equal(one, two) || bytes.Equal(one, other) || !regexp.MustCompile(`^TID_[0-9a-f]{32}$`).Match(one) {
		t.Errorf("ids %s %s %s", one, two, other)
	}
}

// TestAccessLogTransformFields: fields 28-29 carry the desync verdict and fields 31-33 the rule
// transforms, quoted, "-" when empty (DSY-01, TRF-06, §12.9 [amb]).
func TestAccessLogTransformFields(t *testing.T) {
	t.Parallel()
	ex := base()
	ex.Classification, ex.ClassificationReason = "Ambiguous", "UndefinedContentLengthSemantics"
	ex.TransformedHost, ex.TransformedURI, ex.TransformStatus = "internal.example.com", "/product.php?id=7", "TransformSucceeded"
	line := strings.TrimSuffix(string(AppendAccessLog(nil, ex)), "\n")
	if want := ` "Ambiguous" "UndefinedContentLengthSemantics" TID_`; !strings.Contains(line, want) {
		t.Errorf("line %q lacks %q", line, want)
	}
	if want := ` "internal.example.com" "/product.php?id=7" "TransformSucceeded"`; !strings.HasSuffix(line, want) {
		t.Errorf("line %q does not end with %q", line, want)
	}
}

// TestLogType: field 1 (§8.2). h2 is a request on a connection that negotiated h2; an HTTP/2.0
// request line refused on an HTTP/1.1 TLS connection (505) is https.
func TestLogType(t *testing.T) {
	h2 := &tls.ConnectionState{NegotiatedProtocol: "h2"}
	h1 := &tls.ConnectionState{NegotiatedProtocol: "http/1.1"}
	for _, tc := range []struct {
		protocol, version string
		tls               *tls.ConnectionState
		websocket         bool
		want              string
	}{
		{"HTTP", "HTTP/1.1", nil, false, "http"},
		{"HTTPS", "HTTP/1.1", h1, false, "https"},
		{"HTTPS", "HTTP/2.0", h2, false, "h2"},
		{"HTTPS", "HTTP/2.0", h1, false, "https"},
		{"HTTPS", "HTTP/2.0", &tls.ConnectionState{}, false, "https"},
		{"HTTP", "HTTP/2.0", nil, false, "http"},
		{"HTTP", "HTTP/1.1", nil, true, "ws"},
		{"HTTPS", "HTTP/1.1", h1, true, "wss"},
	} {
		ex := &Exchange{Protocol: tc.protocol, HTTPVersion: tc.version, TLS: tc.tls, WebSocket: tc.websocket}
		if got := logType(ex); got != tc.want {
			t.Errorf("%s %s ALPN %v websocket %v: %s, want %s", tc.protocol, tc.version, tc.tls, tc.websocket, got, tc.want)
		}
	}
}
