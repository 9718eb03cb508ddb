package lambdatarget

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestHEAD: the function sees httpMethod HEAD; its answer goes out with its headers and no body.
// Without a body, its own Content-Length (the GET representation's) is kept and none is made up;
// with the GET body, the body's length is sent (docs/lambda-contract.md, "HEAD").
func TestHEAD(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, method, payload string
		wantLength            []string // nil: no Content-Length at all
		wantBody              string
	}{
		{"HEAD answered with GET's headers and no body", "HEAD",
			`{"statusCode":200,"headers":{"Content-Length":"1234","Content-Type":"image/jpeg","ETag":"\"e\""}}`, []string{"1234"}, ""},
		{"HEAD answered with the GET body", "HEAD", `{"statusCode":200,"body":"hello"}`, []string{"5"}, ""},
		{"HEAD answered with neither body nor length", "HEAD", `{"statusCode":200,"headers":{"Content-Type":"text/plain"}}`, nil, ""},
		{"HEAD with a malformed length", "HEAD", `{"statusCode":200,"headers":{"Content-Length":"-1"}}`, nil, ""},
		{"HEAD with a length given as +5", "HEAD", `{"statusCode":200,"headers":{"Content-Length":"+5"}}`, nil, ""},
		{"HEAD with a length with leading zeros", "HEAD", `{"statusCode":200,"headers":{"Content-Length":"007"}}`, []string{"7"}, ""},
		{"HEAD 304 keeps no length", "HEAD", `{"statusCode":304,"headers":{"Content-Length":"10"}}`, nil, ""},
		{"GET: the declared length is replaced (LAM-25)", "GET", `{"statusCode":200,"headers":{"Content-Length":"1234"},"body":"abc"}`, []string{"3"}, "abc"},
		{"GET with no body: length 0, not the declared one", "GET", `{"statusCode":200,"headers":{"Content-Length":"1234"}}`, []string{"0"}, ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			inv := returning(tc.payload)
			res := serve(t, Options{Invoker: inv}, newRequest(tc.method, "/file.jpg", "", nil))
			if res.err != nil {
				t.Fatal(res.err)
			}
			var event struct{ HTTPMethod string }
			if err := json.Unmarshal(inv.payloads[0], &event); err != nil || event.HTTPMethod != tc.method {
				t.Errorf("event httpMethod %q (%v); want %s", event.HTTPMethod, err, tc.method)
			}
			if got := res.rec.Header()["Content-Length"]; strings.Join(got, ",") != strings.Join(tc.wantLength, ",") || (got == nil) != (tc.wantLength == nil) {
				t.Errorf("Content-Length %q; want %q", got, tc.wantLength)
			}
			if res.rec.Body.String() != tc.wantBody {
				t.Errorf("body %q; want %q", res.rec.Body, tc.wantBody)
			}
		})
	}
}

// TestHEADStrictWarnings: a length kept for HEAD is not reported as replaced; a dropped one is.
func TestHEADStrictWarnings(t *testing.T) {
	t.Parallel()
	testCases := []struct{ desc, payload, want string }{
		{"kept", `{"statusCode":200,"headers":{"Content-Length":"1234","Content-Type":"text/plain"}}`, ""},
		{"dropped", `{"statusCode":200,"headers":{"Content-Length":"x","Content-Type":"text/plain"}}`, `Content-Length \"x\" dropped`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			o := Options{Invoker: returning(tc.payload), Strict: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			serve(t, o, newRequest("HEAD", "/", "", nil))
			if tc.want == "" && logs.Len() > 0 || !strings.Contains(logs.String(), tc.want) {
				t.Errorf("logs %q; want %q", logs.String(), tc.want)
			}
		})
	}
}
