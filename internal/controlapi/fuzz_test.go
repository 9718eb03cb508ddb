package controlapi

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzParseAuthorization: any Authorization header either is refused with a 403 or parses into
// the invariants the guard relies on (host signed, sorted lower-case names, a full scope, a
// 64-hex-digit signature).
func FuzzParseAuthorization(f *testing.F) {
	f.Add(wellFormed)
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + strings.Repeat("ab", 32))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request,SignedHeaders=host,Signature=x")
	f.Add("AWS AKID:sig")
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/lambda/aws4_request, SignedHeaders=x-amz-date;host, Signature=" + strings.Repeat("0", 64))
	f.Add("")
	f.Fuzz(func(t *testing.T, header string) {
		a, e := ParseAuthorization(header)
		if e != nil {
			if e.Status != http.StatusForbidden || e.Code == "" {
				t.Fatalf("refusal %+v; want a 403 with a code", e)
			}
			return
		}
		if a.AccessKey == "" || a.Region == "" || a.Service == "" || !isScopeDate(a.Date) || !isHexSignature(a.Signature) {
			t.Fatalf("accepted an incomplete header: %+v", a)
		}
		if !slices.Contains(a.SignedHeaders, "host") || !slices.IsSorted(a.SignedHeaders) {
			t.Fatalf("accepted signed headers %q", a.SignedHeaders)
		}
		for i := 1; i < len(a.SignedHeaders); i++ {
			if a.SignedHeaders[i] == a.SignedHeaders[i-1] {
				t.Fatalf("accepted a repeated signed header %q", a.SignedHeaders)
			}
		}
	})
}

// FuzzVerify: no header, date, path or body that the fuzzer makes up passes verification (it
// does not know the secret), and none makes Verify panic or misbehave.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	f.Add("/", "Action=X", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64),
		"20261124T120000Z", "")
	f.Add("/2015-03-31/functions/a%2Fb/invocations", `{"a":1}`, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="+strings.Repeat("f", 64),
		"20261124T115959Z", "UNSIGNED-PAYLOAD")
	v := &SigV4{Credentials: map[string]string{"AKIDEXAMPLE": "secret"}, Now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, path, body, auth, date, claim string) {
		u, err := url.Parse("http://127.0.0.1:4566" + path)
		if err != nil {
			return
		}
		r := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: http.Header{}, Body: http.NoBody}
		if body != "" {
			r.Body = http.MaxBytesReader(nil, nopCloser{strings.NewReader(body)}, 1<<10)
			r.ContentLength = int64(len(body))
		}
		r.Header.Set("Authorization", auth)
		r.Header.Set("X-Amz-Date", date)
		if claim != "" {
			r.Header.Set("X-Amz-Content-Sha256", claim)
		}
		e := v.Verify(r, Scope{Service: ServiceOf(u.Path), Region: "us-east-1"})
		if e == nil {
			t.Fatalf("a made-up signature was accepted: %q", auth)
		}
		if e.Status != http.StatusForbidden && e.Status != http.StatusRequestEntityTooLarge && e.Status != http.StatusBadRequest {
			t.Fatalf("refusal status %d (%v)", e.Status, e)
		}
	})
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// FuzzHostPolicy: a Host the policy allows is always localhost, a loopback or the bound
// address; never a name the attacker controls.
func FuzzHostPolicy(f *testing.F) {
	for _, h := range []string{"127.0.0.1:4566", "localhost", "[::1]:1", "evil.example:4566", "127.0.0.1.evil.example", "LOCALHOST.", "[::ffff:127.0.0.1]:80", "0x7f.1:80"} {
		f.Add(h)
	}
	p := HostPolicy{Addr: "127.0.0.1:4566"}
	f.Fuzz(func(t *testing.T, host string) {
		if !p.Allows(host) {
			return
		}
		name := strings.ToLower(hostName(host))
		if ip, err := netip.ParseAddr(name); name != "localhost" && (err != nil || !ip.IsLoopback()) {
			t.Fatalf("allowed Host %q (name %q)", host, name)
		}
	})
}
