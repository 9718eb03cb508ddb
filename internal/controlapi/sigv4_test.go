package controlapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signed returns a request signed by aws-sdk-go-v2's own SigV4 signer, so that the verifier is
// checked against a client we did not write (A.2).
func signed(t *testing.T, method, target, body, secret string, at time.Time, service string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Amz-Sdk-Invocation-Id", "a  b   c") // values with runs of spaces are canonicalised
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSigV4Verify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	v := &SigV4{Credentials: map[string]string{"AKIDEXAMPLE": "secret"}, Now: func() time.Time { return now }}
	testCases := []struct {
		desc string
		req  func() *http.Request
		code string // "" means accepted
	}{
		{"ELBv2 query request", func() *http.Request {
			return signed(t, "POST", "http://127.0.0.1:4566/", "Action=DescribeLoadBalancers&Version=2015-12-01", "secret", now, "elasticloadbalancing")
		}, ""},
		{"Lambda path with an escaped ARN is encoded twice", func() *http.Request {
			return signed(t, "POST", "http://127.0.0.1:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A0%3Afunction%3Af/invocations?Qualifier=%24LATEST",
				`{"a":1}`, "secret", now, "lambda")
		}, ""},
		{"GET with a query string", func() *http.Request {
			return signed(t, "GET", "http://127.0.0.1:4566/2015-03-31/functions/?MaxItems=5&Marker=a%20b", "", "secret", now, "lambda")
		}, ""},
		{"wrong secret", func() *http.Request {
			return signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "other", now, "elasticloadbalancing")
		}, "SignatureDoesNotMatch"},
		{"body changed after signing", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			r.Body = http.NoBody
			return r
		}, "SignatureDoesNotMatch"},
		{"signed 20 minutes ago", func() *http.Request {
			return signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now.Add(-20*time.Minute), "elasticloadbalancing")
		}, "SignatureDoesNotMatch"},
		{"unknown access key", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIDEXAMPLE", "AKIDOTHER", 1))
			return r
		}, "InvalidClientTokenId"},
		{"unsigned", func() *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader("Action=X")) }, "MissingAuthenticationToken"},
		{"another algorithm", func() *http.Request {
			r := httptest.NewRequest("POST", "/", nil)
			r.Header.Set("Authorization", "AWS AKIDEXAMPLE:abc")
			return r
		}, "IncompleteSignature"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			e := v.Verify(tc.req())
			switch {
			case tc.code == "" && e != nil:
				t.Fatalf("refused: %v", e)
			case tc.code != "" && (e == nil || e.Code != tc.code || e.Status != http.StatusForbidden):
				t.Fatalf("got %v; want 403 %s", e, tc.code)
			}
		})
	}
}

// TestRequireSignatureErrorShapes: refusals use the error shape of the API called, so that each
// client parses them as the AWS error they are.
func TestRequireSignatureErrorShapes(t *testing.T) {
	t.Parallel()
	v := &SigV4{Credentials: map[string]string{"id": "secret"}}
	h := RequireSignature(v, []string{"/healthz"}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }))
	testCases := []struct {
		desc, path, contentType string
		status                  int
	}{
		{"ELBv2 gets XML", "/", "text/xml", 403},
		{"Lambda gets JSON", "/2015-03-31/functions", "application/json", 403},
		{"open path passes", "/healthz", "", 299},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", tc.path, nil))
			if w.Code != tc.status || w.Header().Get("Content-Type") != tc.contentType {
				t.Fatalf("status %d content type %q; want %d %q", w.Code, w.Header().Get("Content-Type"), tc.status, tc.contentType)
			}
		})
	}
}
