package controlapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// wellFormed is an Authorization header any SDK could have sent with placeholder credentials.
const wellFormed = "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, " +
	"Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// testBrowserRead mirrors serve's choice: GETs of the dashboard and /healthz need no signature.
func testBrowserRead(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/dashboard/"))
}

// TestGuard: every request the attacks make is refused with 403 in the called API's own
// error shape before the API runs, and what real clients and same-origin browsers send passes.
func TestGuard(t *testing.T) {
	t.Parallel()
	type req struct {
		method, target, body string
		header               map[string]string
	}
	testCases := []struct {
		desc    string
		in      req
		status  int
		code    string // X-Amzn-ErrorType (REST) or a substring of the body
		allowed []string
	}{
		{desc: "cross-origin text/plain CreateFunction (the issue's attack)", in: req{"POST", "http://127.0.0.1:4566/2015-03-31/functions", `{"FunctionName":"x"}`,
			map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}},
			status: 403, code: "AccessDeniedException"},
		{desc: "cross-origin form POST to the Query API", in: req{"POST", "http://127.0.0.1:4566/", "Action=DeleteLoadBalancer",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Authorization": wellFormed}},
			status: 403, code: "<Code>AccessDenied</Code>"},
		{desc: "same-site page (another port on localhost)", in: req{"POST", "http://127.0.0.1:4566/", "Action=X",
			map[string]string{"Sec-Fetch-Site": "same-site", "Authorization": wellFormed}},
			status: 403, code: "<Code>AccessDenied</Code>"},
		{desc: "an Origin the operator allows", in: req{"POST", "http://127.0.0.1:4566/", "Action=X",
			map[string]string{"Origin": "https://ops.example", "Sec-Fetch-Site": "cross-site", "Authorization": wellFormed}},
			status: 200, allowed: []string{"https://ops.example"}},
		{desc: "null Origin (sandboxed frame)", in: req{"POST", "http://127.0.0.1:4566/2015-03-31/functions", "{}",
			map[string]string{"Origin": "null", "Authorization": wellFormed}},
			status: 403, code: "AccessDeniedException"},
		{desc: "DNS rebinding: the attacker's name as Host", in: req{"GET", "http://rebind.evil.example:4566/2015-03-31/functions", "",
			map[string]string{"Authorization": wellFormed}},
			status: 403, code: "AccessDeniedException"},
		{desc: "rebinding to the dashboard", in: req{"GET", "http://rebind.evil.example:4566/dashboard/state.json", "", nil},
			status: 403, code: "AccessDenied"},
		{desc: "no Authorization", in: req{"GET", "http://127.0.0.1:4566/2015-03-31/functions", "", nil},
			status: 403, code: "MissingAuthenticationToken"},
		{desc: "malformed Authorization", in: req{"GET", "http://127.0.0.1:4566/2015-03-31/functions", "",
			map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=x"}},
			status: 403, code: "IncompleteSignature"},
		{desc: "any well-formed signature without credentials", in: req{"GET", "http://localhost:4566/2015-03-31/functions", "",
			map[string]string{"Authorization": wellFormed}}, status: 200},
		{desc: "same-origin fetch with a signature", in: req{"GET", "http://127.0.0.1:4566/2015-03-31/functions", "",
			map[string]string{"Authorization": wellFormed, "Origin": "http://127.0.0.1:4566", "Sec-Fetch-Site": "same-origin"}}, status: 200},
		{desc: "the dashboard, same origin, unsigned", in: req{"GET", "http://127.0.0.1:4566/dashboard/state.json", "",
			map[string]string{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}}, status: 200},
		{desc: "the dashboard's data read from another site", in: req{"GET", "http://127.0.0.1:4566/dashboard/state.json", "",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "http://evil.example"}}, status: 403, code: "AccessDenied"},
		{desc: "a link to the dashboard from another site", in: req{"GET", "http://127.0.0.1:4566/dashboard/", "",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}}, status: 200},
		{desc: "a link to an API path from another site", in: req{"GET", "http://127.0.0.1:4566/2015-03-31/functions", "",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Authorization": wellFormed}}, status: 403, code: "AccessDeniedException"},
		{desc: "IPv6 loopback Host", in: req{"GET", "http://[::1]:4566/healthz", "", nil}, status: 200},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var reached atomic.Bool
			g := &Guard{Hosts: HostPolicy{Addr: "127.0.0.1:4566"}, AllowedOrigins: tc.allowed, Browser: testBrowserRead,
				BodyLimit: func(string) int64 { return 1 << 20 }}
			h := WithRequestID(g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Store(true) })))
			r := httptest.NewRequest(tc.in.method, tc.in.target, strings.NewReader(tc.in.body))
			for k, v := range tc.in.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, body %s; want %d", w.Code, w.Body.String(), tc.status)
			}
			if tc.status != 200 {
				if reached.Load() {
					t.Error("a refused request reached the API")
				}
				got := w.Header().Get("X-Amzn-ErrorType") + " " + w.Body.String()
				if !strings.Contains(got, tc.code) {
					t.Errorf("refusal %q; want %q", got, tc.code)
				}
			}
		})
	}
}

// countingBody records how much of a body was read.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func (b *countingBody) Close() error { return nil }

// TestGuardBodyLimit: a body over the API's limit is refused before it is buffered, whether its
// length is declared or it is chunked, and before the signature is checked (an attacker knows an
// access key ID but not its secret).
func TestGuardBodyLimit(t *testing.T) {
	t.Parallel()
	v := &SigV4{Credentials: map[string]string{"AKIDEXAMPLE": "secret"}}
	g := &Guard{Verifier: v, Hosts: HostPolicy{Addr: "127.0.0.1:4566"}, BodyLimit: func(path string) int64 {
		if IsRESTPath(path) {
			return 1 << 20
		}
		return 1 << 10
	}}
	h := WithRequestID(g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("the API ran") })))
	testCases := []struct {
		desc, path string
		declared   bool
		code       string
	}{
		{"declared length, Query API", "/", true, "<Code>RequestEntityTooLarge</Code>"},
		{"chunked, Query API", "/", false, "<Code>RequestEntityTooLarge</Code>"},
		{"declared length, Lambda API", "/2015-03-31/functions", true, "RequestTooLargeException"},
		{"chunked, Lambda API", "/2015-03-31/functions", false, "RequestTooLargeException"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			body := &countingBody{r: strings.NewReader(strings.Repeat("a", 8<<20))}
			r := httptest.NewRequest("POST", "http://127.0.0.1:4566"+tc.path, nil)
			r.Body = body
			r.ContentLength = -1
			if tc.declared {
				r.ContentLength = 8 << 20
			}
			now := time.Now().UTC()
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"+now.Format("20060102")+"/us-east-1/"+ServiceOf(tc.path)+
				"/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
			r.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 413 || !strings.Contains(w.Header().Get("X-Amzn-ErrorType")+w.Body.String(), tc.code) {
				t.Fatalf("%d %s %s; want 413 %s", w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body.String(), tc.code)
			}
			if n := body.read.Load(); n > 2<<20 {
				t.Errorf("read %d bytes of an 8 MiB body; want at most the limit", n)
			}
		})
	}
}

// TestGuardVerifiesWithCredentials: with credentials, an SDK-signed request passes in the
// configured region and fails in another one.
func TestGuardVerifiesWithCredentials(t *testing.T) {
	t.Parallel()
	region := "us-east-1"
	g := &Guard{Verifier: &SigV4{Credentials: map[string]string{"AKIDEXAMPLE": "secret"}}, Hosts: HostPolicy{Addr: "127.0.0.1:4566"},
		Region: func() string { return region }, BodyLimit: func(string) int64 { return 1 << 20 }}
	var got string
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	}))
	body := "Action=DescribeLoadBalancers&Version=2015-12-01"
	for _, signRegion := range []string{"us-east-1", "eu-west-1"} {
		r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(body))
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "elasticloadbalancing", signRegion, time.Now()); err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		got = ""
		h.ServeHTTP(w, r)
		if want := map[string]int{"us-east-1": 200, "eu-west-1": 403}[signRegion]; w.Code != want {
			t.Errorf("signed in %s: %d %s; want %d", signRegion, w.Code, w.Body.String(), want)
		}
		if signRegion == "us-east-1" && got != body {
			t.Errorf("the API read %q after verification; want the body", got)
		}
	}
}

// TestHostPolicy: which Host values name the API.
func TestHostPolicy(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		addr, host string
		names      []string
		want       bool
	}{
		{"127.0.0.1:4566", "127.0.0.1:4566", nil, true},
		{"127.0.0.1:4566", "localhost:4566", nil, true},
		{"127.0.0.1:4566", "LOCALHOST.", nil, true},
		{"127.0.0.1:4566", "127.0.0.2:4566", nil, true},
		{"127.0.0.1:4566", "[::1]:4566", nil, true},
		{"127.0.0.1:4566", "evil.example:4566", nil, false},
		{"127.0.0.1:4566", "localhost.evil.example", nil, false},
		{"127.0.0.1:4566", "192.168.1.2:4566", nil, false},
		{"127.0.0.1:4566", "", nil, false},
		{"127.0.0.1:4566", "a b", nil, false},
		{"127.0.0.1:4566", "lb.internal:4566", []string{"lb.internal"}, true},
		{"0.0.0.0:4566", "192.168.1.2:4566", nil, true},
		{":4566", "[2001:db8::1]:4566", nil, true},
		{":4566", "host.example:4566", nil, false},
		{"lb.internal:4566", "lb.internal:4566", nil, true},
		{"192.168.1.2:4566", "192.168.1.2", nil, true},
	}
	for _, tc := range testCases {
		t.Run(tc.addr+" "+tc.host, func(t *testing.T) {
			t.Parallel()
			if got := (HostPolicy{Addr: tc.addr, Names: tc.names}).Allows(tc.host); got != tc.want {
				t.Errorf("Allows(%q) = %v; want %v", tc.host, got, tc.want)
			}
		})
	}
}
