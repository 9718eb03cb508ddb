package lambdatarget

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// FuzzParseResponse: the response parser never panics, every rejection is a 502 with a reason
// blamed on the function, and every accepted response is safe to write.
func FuzzParseResponse(f *testing.F) {
	for _, seed := range []string{
		`{"statusCode":200}`, `{"statusCode":200,"body":null}`, `"x"`, `[]`, `null`, ``,
		`{"statusCode":201,"isBase64Encoded":true,"body":"aGk="}`,
		`{"statusCode":200,"headers":{"A":"b","Connection":"A"},"multiValueHeaders":{"C":["d",""]}}`,
		`{"statusCode":200,"headers":{"A":true}}`, `{"statusCode":"200"}`, `{"statusCode":2e2}`,
		`{"statusCode":200,"statusDescription":"200 OK","body":"\u00e9\n"}`,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, payload []byte, multi bool) {
		resp, err := parseResponse(payload, multi, true)
		if err != nil {
			if err.Status != http.StatusBadGateway || err.Source != elberr.SourceFunction || err.Err == nil ||
				err.Reason != ReasonInvalidResponse && err.Reason != ReasonResponseTooLarge {
				t.Fatalf("rejection %+v", err)
			}
			return
		}
		if resp.status < 200 || resp.status > 599 {
			t.Fatalf("accepted status %d", resp.status)
		}
		for name, values := range resp.header {
			if !validHeaderName(name) || hopByHop[name] {
				t.Fatalf("header %q sent", name)
			}
			for _, v := range values {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("header %s value %q sent", name, v)
				}
			}
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, httptest.NewRequest("GET", "/", nil), resp)
		if rec.Code != resp.status {
			t.Fatalf("wrote %d, parsed %d", rec.Code, resp.status)
		}
	})
}

// FuzzEvent: the event is always valid JSON, in UTF-8, that aws-lambda-go decodes back to the
// request's values, or the request is refused for text in it that is not UTF-8 (LAM-13).
func FuzzEvent(f *testing.F) {
	f.Add("/p", "a=1&a=2&b", "v", "text/plain", []byte("hello"), false)
	f.Add("/p%20q", "x=%41", "\"\\\x01", "application/json", []byte(`{"a":"\u2028"}`), true)
	f.Add("/", "", "", "image/png", []byte{0xff, 0x00}, false)
	f.Fuzz(func(t *testing.T, path, query, value, contentType string, body []byte, multi bool) {
		ev := event{TargetGroupARN: testARN, Method: "POST", Path: path, RawQuery: query, Host: "h",
			Header: http.Header{"X-Fuzz": {value}, "Content-Type": {contentType}}, Body: body, MultiValue: multi}
		payload, err := ev.appendJSON(nil)
		text := len(body) > 0 && isTextMediaType(contentType)
		allValid := utf8.ValidString(path) && utf8.ValidString(query) && utf8.ValidString(value) &&
			utf8.ValidString(contentType) && (!text || utf8.Valid(body))
		if err != nil {
			if allValid {
				t.Fatalf("refused valid input: %v", err)
			}
			return
		}
		// Only the text the event carries must be UTF-8: in a single-value event a repeated
		// query key keeps its last value, so the bytes of the values before it are not checked.
		if !utf8.Valid(payload) {
			t.Fatalf("the event carries text that is not UTF-8: %q", payload)
		}
		onlyQuery := utf8.ValidString(path) && utf8.ValidString(value) && utf8.ValidString(contentType) && (!text || utf8.Valid(body))
		if !allValid && (multi || !onlyQuery) {
			t.Fatal("accepted text that is not UTF-8")
		}
		var got events.ALBTargetGroupRequest
		if err := json.Unmarshal(payload, &got); err != nil {
			t.Fatalf("invalid JSON %v: %s", err, payload)
		}
		gotValue := got.Headers["x-fuzz"]
		if multi {
			gotValue = got.MultiValueHeaders["x-fuzz"][0]
		}
		if got.Path != path || gotValue != value {
			t.Fatalf("path %q value %q, want %q %q", got.Path, gotValue, path, value)
		}
		gotBody := []byte(got.Body)
		if got.IsBase64Encoded {
			if gotBody, err = base64.StdEncoding.DecodeString(got.Body); err != nil {
				t.Fatal(err)
			}
		}
		if string(gotBody) != string(body) || got.IsBase64Encoded == (text || len(body) == 0) {
			t.Fatalf("body %q (base64 %t), want %q", gotBody, got.IsBase64Encoded, body)
		}
	})
}
