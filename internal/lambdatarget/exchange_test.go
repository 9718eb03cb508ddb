package lambdatarget

import (
	"strings"
	"testing"
)

// TestExchangeRecordsPayloads: the exchange keeps the event sent and the response received, and
// for a rejected response the explanation (strict mode's words) whether or not strict mode is
// on, for the dashboard; the client sees the explanation only in strict mode.
func TestExchangeRecordsPayloads(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, payload, reason, detail string
		strict                        bool
	}{
		{"accepted", `{"statusCode":200}`, "", "", false},
		{"rejected, not strict", `{"statusCode":"200"}`, ReasonInvalidResponse, `statusCode: must be an integer, got string "200"`, false},
		{"rejected, strict", `{"statusCode":200,"headers":null}`, ReasonInvalidResponse, "headers: must not be null", true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res := serve(t, Options{Invoker: returning(tc.payload), Strict: tc.strict}, newRequest("GET", "/dash", "", nil))
			ex := res.ex
			if ev := decodeEvent(t, ex.LambdaEvent); ev.Path != "/dash" {
				t.Errorf("event %s", ex.LambdaEvent)
			}
			if string(ex.LambdaResponse) != tc.payload || ex.ErrorReason != tc.reason || !strings.Contains(ex.ErrorDetail, tc.detail) || (tc.detail == "") != (ex.ErrorDetail == "") {
				t.Errorf("response %s reason %q detail %q", ex.LambdaResponse, ex.ErrorReason, ex.ErrorDetail)
			}
			if res.err != nil && (res.err.Detail != "") != tc.strict {
				t.Errorf("client detail %q in strict=%v", res.err.Detail, tc.strict)
			}
		})
	}
}
