package lambdatarget

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
)

func TestResponses(t *testing.T) {
	t.Parallel()
	bigHeader := strings.Repeat("v", 33<<10)
	testCases := []struct {
		desc       string
		payload    string
		multi      bool
		wantStatus int
		wantReason string // "" for a response that is accepted
		wantBody   string
		wantHeader http.Header // exact values of these headers; nil value = must be absent
		wantDetail string      // strict-mode Detail of a rejection
	}{
		{desc: "T10 LAM-21 statusCode alone: 200, empty body", payload: `{"statusCode":200}`,
			wantStatus: 200, wantHeader: http.Header{"Content-Length": {"0"}, "Content-Type": nil}},
		{desc: "LAM-20 documented full response", payload: `{"statusCode":404,"statusDescription":"404 Not Found",` +
			`"headers":{"Content-Type":"text/html"},"body":"<h1>nope</h1>","isBase64Encoded":false}`,
			wantStatus: 404, wantBody: "<h1>nope</h1>", wantHeader: http.Header{"Content-Type": {"text/html"}, "Content-Length": {"13"}}},
		{desc: "T11 LAM-21 LAM-22 body null", payload: `{"statusCode":200,"body":null}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: "body: must not be null (omit the field instead)"},
		{desc: "T11 LAM-22 headers null", payload: `{"statusCode":200,"headers":null}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: "headers: must not be null (omit the field instead)"},
		{desc: "T11 LAM-22 statusDescription null", payload: `{"statusCode":301,"statusDescription":null,"headers":{"Location":"/"}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-22 §12.2 null multiValueHeaders in single-value mode", payload: `{"statusCode":200,"headers":{},"multiValueHeaders":null}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-22 isBase64Encoded null", payload: `{"statusCode":200,"isBase64Encoded":null}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-22 statusCode null", payload: `{"statusCode":null}`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "T12 LAM-23 header value boolean", payload: `{"statusCode":200,"headers":{"Access-Control-Allow-Credentials":true}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: "headers.Access-Control-Allow-Credentials: must be a string, got boolean true"},
		{desc: "T12 LAM-23 isBase64Encoded string", payload: `{"statusCode":200,"isBase64Encoded":"true","body":"aGk="}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: `isBase64Encoded: must be a boolean, got string "true"`},
		{desc: "LAM-23 content-length number", payload: `{"statusCode":404,"headers":{"content-length":9}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 bare string result", payload: `"hello"`, wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: `response: must be a JSON object, got string "hello"`},
		{desc: "LAM-23 array result", payload: `[200]`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 null result", payload: `null`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 empty result", payload: ``, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 object without statusCode", payload: `{"body":"x"}`, wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: "statusCode: required"},
		{desc: "LAM-23 truncated JSON", payload: `{"statusCode":200`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 base64 with MIME line breaks", payload: `{"statusCode":200,"isBase64Encoded":true,"body":"aGVs\r\nbG8="}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: "body: base64 must not contain line breaks"},
		{desc: "LAM-23 invalid base64", payload: `{"statusCode":200,"isBase64Encoded":true,"body":"a*k="}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LAM-23 unpadded base64", payload: `{"statusCode":200,"isBase64Encoded":true,"body":"aGk"}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "T13 base64 body decoded, Content-Length computed", payload: `{"statusCode":201,"isBase64Encoded":true,"body":"aGk="}`,
			wantStatus: 201, wantBody: "hi", wantHeader: http.Header{"Content-Length": {"2"}}},
		{desc: "T14 LAM-25 hop-by-hop and Content-Length from the function dropped",
			payload: `{"statusCode":200,"headers":{"Transfer-Encoding":"chunked","Connection":"keep-alive, X-Private",` +
				`"Keep-Alive":"timeout=5","Upgrade":"h2c","Content-Length":"99","X-Private":"p","X-Public":"q"},"body":"abc"}`,
			wantStatus: 200, wantBody: "abc", wantHeader: http.Header{"Transfer-Encoding": nil, "Connection": nil,
				"Keep-Alive": nil, "Upgrade": nil, "X-Private": nil, "X-Public": {"q"}, "Content-Length": {"3"}}},
		{desc: "LAM-26 body empty string: no bytes", payload: `{"statusCode":200,"body":""}`,
			wantStatus: 200, wantHeader: http.Header{"Content-Length": {"0"}}},
		{desc: "LAM-26 body string null: 4 bytes", payload: `{"statusCode":200,"body":"null"}`,
			wantStatus: 200, wantBody: "null", wantHeader: http.Header{"Content-Length": {"4"}}},
		{desc: "§12.1 statusCode as string", payload: `{"statusCode":"200"}`, wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: `statusCode: must be an integer, got string "200"`},
		{desc: "§12.1 statusCode with a fraction", payload: `{"statusCode":200.0}`, wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: "statusCode: must be an integer, got number 200.0"},
		{desc: "§12.1 statusCode array; detail safe for a header", payload: "{\"statusCode\":[\n1]}", wantStatus: 502,
			wantReason: ReasonInvalidResponse, wantDetail: "statusCode: must be an integer, got array [ 1]"},
		{desc: "§12.1 statusCode with an exponent", payload: `{"statusCode":2e2}`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "§12.1 statusCode 100 (1xx cannot end an exchange)", payload: `{"statusCode":100}`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "§12.1 statusCode 600", payload: `{"statusCode":600}`, wantStatus: 502, wantReason: ReasonInvalidResponse,
			wantDetail: "statusCode: must be from 200 to 599, got 600"},
		{desc: "§12.1 statusCode negative", payload: `{"statusCode":-200}`, wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "§12.1 statusCode 599 accepted", payload: `{"statusCode":599}`, wantStatus: 599},
		{desc: "204 sends no body and no Content-Length", payload: `{"statusCode":204,"body":"x"}`,
			wantStatus: 204, wantHeader: http.Header{"Content-Length": nil}},
		{desc: "§12.3 statusDescription not matching is accepted", payload: `{"statusCode":200,"statusDescription":"OK"}`,
			wantStatus: 200},
		{desc: "§12.3 statusDescription number", payload: `{"statusCode":200,"statusDescription":200}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "§12.2 LAM-24 multi-value mode drops headers given only in headers",
			payload: `{"statusCode":200,"headers":{"X-A":"1"}}`, multi: true,
			wantStatus: 200, wantHeader: http.Header{"X-A": nil}},
		{desc: "§12.2 LAM-24 single-value mode ignores multiValueHeaders",
			payload:    `{"statusCode":200,"multiValueHeaders":{"X-A":["1","2"]}}`,
			wantStatus: 200, wantHeader: http.Header{"X-A": nil}},
		{desc: "§12.2 the unused header field is still type-checked",
			payload:    `{"statusCode":200,"headers":{"X-A":"1"},"multiValueHeaders":{"X-A":"1"}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: `multiValueHeaders.X-A: must be an array of strings, got string "1"`},
		{desc: "LAM-10 multi-value response headers keep every value",
			payload: `{"statusCode":200,"multiValueHeaders":{"Set-Cookie":["a=1","b=2"],"X-Empty":[]}}`, multi: true,
			wantStatus: 200, wantHeader: http.Header{"Set-Cookie": {"a=1", "b=2"}, "X-Empty": nil}},
		{desc: "LAM-23 multi-value header item not a string",
			payload: `{"statusCode":200,"multiValueHeaders":{"X-N":["1",2]}}`, multi: true,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: "multiValueHeaders.X-N[1]: must be a string, got number 2"},
		{desc: "LAM-23 headers not an object", payload: `{"statusCode":200,"headers":["a"]}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "header names are canonicalised",
			payload:    `{"statusCode":200,"headers":{"content-type":"text/plain","X-REQUEST-id":"r"}}`,
			wantStatus: 200, wantHeader: http.Header{"Content-Type": {"text/plain"}, "X-Request-Id": {"r"}}},
		{desc: "invalid header name", payload: `{"statusCode":200,"headers":{"Bad Name":"x"}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse, wantDetail: `headers: "Bad Name" is not a valid header name`},
		{desc: "header value with a line break (response splitting)", payload: `{"statusCode":200,"headers":{"X-A":"a\r\nSet-Cookie: x=1"}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "LIM-02 response headers over 32 KB", payload: `{"statusCode":200,"headers":{"X-Big":"` + bigHeader + `"}}`,
			wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "escaped strings are decoded", payload: `{"statusCode":200,"headers":{"X-A":"caf\u00e9"},"body":"a\"b\n"}`,
			wantStatus: 200, wantBody: "a\"b\n", wantHeader: http.Header{"X-A": {"café"}}},
		{desc: "unknown fields are ignored", payload: `{"statusCode":200,"cookies":["a=1"],"StatusCode":500}`, wantStatus: 200},
		{desc: "response not UTF-8", payload: "{\"statusCode\":200,\"body\":\"\xff\"}", wantStatus: 502, wantReason: ReasonInvalidResponse},
		{desc: "T16 LAM-27 response JSON over 1 MiB", payload: `{"statusCode":200,"body":"` + strings.Repeat("x", MaxResponsePayload) + `"}`,
			wantStatus: 502, wantReason: ReasonResponseTooLarge},
		{desc: "§12.5 response JSON of exactly 1 MiB accepted",
			payload:    `{"statusCode":200,"body":"` + strings.Repeat("x", MaxResponsePayload-len(`{"statusCode":200,"body":""}`)) + `"}`,
			wantStatus: 200, wantBody: strings.Repeat("x", MaxResponsePayload-len(`{"statusCode":200,"body":""}`))},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for _, strict := range []bool{false, true} {
				o := Options{Invoker: returning(tc.payload), MultiValueHeaders: tc.multi, Strict: strict}
				res := serve(t, o, newRequest("GET", "/", "", nil))
				if tc.wantReason != "" {
					checkRejected(t, res, tc.wantStatus, tc.wantReason, strict, tc.wantDetail)
					continue
				}
				checkAccepted(t, res, tc.wantStatus, tc.wantBody, tc.wantHeader)
			}
		})
	}
}

func checkRejected(t *testing.T, res result, status int, reason string, strict bool, detail string) {
	t.Helper()
	if res.err == nil {
		t.Fatalf("accepted with %d, want %d %s", res.rec.Code, status, reason)
	}
	if res.err.Status != status || res.err.Reason != reason || res.err.Source != elberr.SourceFunction {
		t.Errorf("got %d %s source %d, want %d %s from the function", res.err.Status, res.err.Reason, res.err.Source, status, reason)
	}
	if res.ex.ErrorReason != reason || res.ex.TargetStatus != 0 {
		t.Errorf("exchange: reason %q, target status %d (LAM-30: none)", res.ex.ErrorReason, res.ex.TargetStatus)
	}
	switch {
	case !strict && res.err.Detail != "":
		t.Errorf("Detail %q outside strict mode", res.err.Detail)
	case strict && res.err.Detail == "":
		t.Error("strict mode without Detail")
	case strict && detail != "" && res.err.Detail != detail:
		t.Errorf("Detail = %q, want %q", res.err.Detail, detail)
	}
}

func checkAccepted(t *testing.T, res result, status int, body string, header http.Header) {
	t.Helper()
	if res.err != nil {
		t.Fatalf("rejected: %v (%s)", res.err, res.err.Detail)
	}
	if res.rec.Code != status || res.rec.Body.String() != body {
		t.Errorf("got %d %q, want %d %q", res.rec.Code, truncate(res.rec.Body.Bytes(), 40), status, truncate([]byte(body), 40))
	}
	if res.ex.TargetStatus != status || res.ex.ErrorReason != "" {
		t.Errorf("exchange: target status %d reason %q (LAM-30, LAM-31)", res.ex.TargetStatus, res.ex.ErrorReason)
	}
	got := res.rec.Result().Header
	for name, want := range header {
		if values := got[name]; !slices.Equal(values, want) {
			t.Errorf("header %s = %q, want %q", name, values, want)
		}
	}
	if cl := got.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %s for a %d-byte body", cl, len(body))
	}
}
