package controlapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
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
		{"body swapped under the original body's X-Amz-Content-Sha256", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=DescribeLoadBalancers", "secret", now, "elasticloadbalancing")
			sum := sha256.Sum256([]byte("Action=DescribeLoadBalancers"))
			r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			r.Body = io.NopCloser(strings.NewReader("Action=DeleteLoadBalancer&LoadBalancerArn=x"))
			return r
		}, "SignatureDoesNotMatch"},
		{"UNSIGNED-PAYLOAD claim", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
			return r
		}, "SignatureDoesNotMatch"},
		{"the body's own hash claimed is fine", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			sum := sha256.Sum256([]byte("Action=X"))
			r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			return r
		}, ""},
		{"host left unsigned", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=amz-sdk-invocation-id;content-length;content-type;host;", "SignedHeaders=amz-sdk-invocation-id;content-length;content-type;", 1))
			return r
		}, "IncompleteSignature"},
		{"signed for another service", func() *http.Request {
			return signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "lambda")
		}, "SignatureDoesNotMatch"},
		{"signed for another region", func() *http.Request {
			r := signed(t, "POST", "http://127.0.0.1:4566/", "Action=X", "secret", now, "elasticloadbalancing")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/eu-west-1/", 1))
			return r
		}, "SignatureDoesNotMatch"},
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
			r := tc.req()
			e := v.Verify(r, Scope{Service: ServiceOf(r.URL.Path), Region: "us-east-1"})
			switch {
			case tc.code == "" && e != nil:
				t.Fatalf("refused: %v", e)
			case tc.code != "" && (e == nil || e.Code != tc.code || e.Status != http.StatusForbidden):
				t.Fatalf("got %v; want 403 %s", e, tc.code)
			}
		})
	}
}
