package health

import (
	"testing"
)

// TestLogReason: each kind of failed check gets the health-check log's reason code.
func TestLogReason(t *testing.T) {
	t.Parallel()
	panicked := Result{Reason: ReasonInternalError}
	testCases := []struct {
		desc string
		kind string
		res  Result
		want string
	}{
		{"pass", KindHTTP, passed(200), ""},
		{"timeout", KindHTTP, timedOut, "TimedOut"},
		{"a probe that panicked", KindHTTP, panicked, "InternalError"},
		{"503 outside the matcher", KindHTTP, mismatch(503), "TargetError"},
		{"404 outside the matcher", KindHTTPS, mismatch(404), "ResponseCodeMismatch"},
		{"refused or reset", KindH2, failed, "ConnectionReset"},
		{"grpc-status outside the matcher", KindGRPC, mismatch(14), "GRPCUnexpectedStatus"},
		{"200 without grpc-status", KindGRPC, Result{Reason: failed.Reason, noGRPCStatus: true}, "GRPCStatusHeaderEmpty"},
		{"gRPC target answered HTTP 503", KindGRPC, Result{Reason: failed.Reason, Answered: true, Status: 503}, "TargetError"},
		{"function error", KindLambda, failed, "TargetError"},
		{"function timeout", KindLambda, timedOut, "TimedOut"},
		{"function statusCode 404", KindLambda, mismatch(404), "ResponseCodeMismatch"},
	}
	for _, tc := range testCases {
		if got := tc.res.LogReason(tc.kind); got != tc.want {
			t.Errorf("%s: LogReason = %q, want %q", tc.desc, got, tc.want)
		}
	}
}
