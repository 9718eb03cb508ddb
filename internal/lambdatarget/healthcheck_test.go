package lambdatarget

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// TestHealthCheckEventDocumented is HC-03: the documented event, byte for byte.
func TestHealthCheckEventDocumented(t *testing.T) {
	t.Parallel()
	want := `{"requestContext":{"elb":{"targetGroupArn":"` + testARN + `"}},"httpMethod":"GET","path":"/",` +
		`"queryStringParameters":{},"headers":{"user-agent":"ELB-HealthChecker/2.0"},"body":"","isBase64Encoded":false}`
	for _, path := range []string{"", "/"} {
		if got := string(HealthCheckEvent(testARN, path, false)); got != want {
			t.Errorf("HealthCheckEvent(%q):\n got %s\nwant %s", path, got, want)
		}
	}
}

// TestHealthCheckEventMultiValue is §12.16: multi-value target groups get multi-value fields.
func TestHealthCheckEventMultiValue(t *testing.T) {
	t.Parallel()
	payload := HealthCheckEvent(testARN, "/ping?a=1&a=2", true)
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Path != "/ping" || len(ev.MultiValueQueryStringParameters["a"]) != 2 ||
		ev.MultiValueHeaders["user-agent"][0] != HealthCheckUserAgent || len(ev.MultiValueHeaders) != 1 {
		t.Errorf("event %s", payload)
	}
	checkExclusiveFields(t, payload, true)
}

func TestHealthCheckResult(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		payload    string
		wantStatus int
		wantErr    bool
	}{
		{"HC-03 statusCode is the result", `{"statusCode":200,"body":"ok"}`, 200, false},
		{"HC-03 any valid status is returned for the matcher", `{"statusCode":503}`, 503, false},
		{"§12.16 multiValueHeaders are fine too", `{"statusCode":204,"multiValueHeaders":{"A":["b"]}}`, 204, false},
		{"LAM-22 null field fails the check", `{"statusCode":200,"body":null}`, 0, true},
		{"LAM-23 non-object fails the check", `"OK"`, 0, true},
		{"§12.1 string status fails the check", `{"statusCode":"200"}`, 0, true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			status, err := HealthCheckResult([]byte(tc.payload))
			var e *elberr.Error
			if tc.wantErr != (err != nil) || err != nil && !errors.As(err, &e) {
				t.Fatalf("err = %v, want error %t", err, tc.wantErr)
			}
			if status != tc.wantStatus {
				t.Errorf("status = %d, want %d", status, tc.wantStatus)
			}
		})
	}
}

// TestLGOResponseType: responses produced with aws-lambda-go's own ALBTargetGroupResponse. Its
// header maps have no omitempty, so a nil map is serialised as null: the ALB answers 502
// (LAM-22, ISS aws-lambda-go#529), and so do we.
func TestLGOResponseType(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		resp       events.ALBTargetGroupResponse
		multi      bool
		wantStatus int
		wantReason string
	}{
		{desc: "LAM-22 nil multiValueHeaders serialises as null", wantStatus: 502, wantReason: ReasonInvalidResponse,
			resp: events.ALBTargetGroupResponse{StatusCode: 200, StatusDescription: "200 OK", Headers: map[string]string{}, Body: "x"}},
		{desc: "LAM-22 both maps nil", wantStatus: 502, wantReason: ReasonInvalidResponse,
			resp: events.ALBTargetGroupResponse{StatusCode: 200}},
		{desc: "LAM-24 both maps set, single-value mode", wantStatus: 200,
			resp: events.ALBTargetGroupResponse{StatusCode: 200, StatusDescription: "200 OK",
				Headers: map[string]string{"Content-Type": "text/plain"}, MultiValueHeaders: map[string][]string{}, Body: "hi"}},
		{desc: "LAM-24 both maps set, multi-value mode", multi: true, wantStatus: 201,
			resp: events.ALBTargetGroupResponse{StatusCode: 201, StatusDescription: "201 Created", Headers: map[string]string{},
				MultiValueHeaders: map[string][]string{"Content-Type": {"text/plain"}}, Body: "aGk=", IsBase64Encoded: true}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			payload, err := json.Marshal(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			res := serve(t, Options{Invoker: returning(string(payload)), MultiValueHeaders: tc.multi}, newRequest("GET", "/", "", nil))
			if tc.wantReason != "" {
				checkRejected(t, res, tc.wantStatus, tc.wantReason, false, "")
				return
			}
			checkAccepted(t, res, tc.wantStatus, "hi", http.Header{"Content-Type": {"text/plain"}})
		})
	}
}
