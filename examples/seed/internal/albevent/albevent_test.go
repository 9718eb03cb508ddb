package albevent

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestQuery(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		req  events.ALBTargetGroupRequest
		want map[string][]string
	}{
		{
			desc: "single-value mode: values arrive raw and are decoded here (LAM-11)",
			req:  events.ALBTargetGroupRequest{QueryStringParameters: map[string]string{"q": "a%20b", "x": "foo%3Dbar", "p": "1+2"}},
			want: map[string][]string{"q": {"a b"}, "x": {"foo=bar"}, "p": {"1 2"}},
		},
		{
			desc: "multi-value mode keeps every value in order (LAM-10)",
			req:  events.ALBTargetGroupRequest{MultiValueQueryStringParameters: map[string][]string{"city": {"Lisbon", "Porto"}}},
			want: map[string][]string{"city": {"Lisbon", "Porto"}},
		},
		{
			desc: "invalid percent-encoding is kept as received",
			req:  events.ALBTargetGroupRequest{QueryStringParameters: map[string]string{"k%zz": "100%"}},
			want: map[string][]string{"k%zz": {"100%"}},
		},
		{desc: "no query", req: events.ALBTargetGroupRequest{QueryStringParameters: map[string]string{}}, want: map[string][]string{}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Query(tc.req); !reflect.DeepEqual(map[string][]string(got), tc.want) {
				t.Errorf("Query = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHeaderAndMode(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc      string
		req       events.ALBTargetGroupRequest
		want      string
		wantMulti bool
	}{
		{desc: "single-value", req: events.ALBTargetGroupRequest{Headers: map[string]string{"if-none-match": `"a"`}}, want: `"a"`},
		{desc: "multi-value: the last value", req: events.ALBTargetGroupRequest{MultiValueHeaders: map[string][]string{"if-none-match": {`"a"`, `"b"`}}}, want: `"b"`, wantMulti: true},
		{desc: "absent", req: events.ALBTargetGroupRequest{Headers: map[string]string{}}, want: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Header(tc.req, "If-None-Match"); got != tc.want {
				t.Errorf("Header = %q, want %q", got, tc.want)
			}
			if got := MultiValue(tc.req); got != tc.wantMulti {
				t.Errorf("MultiValue = %v, want %v", got, tc.wantMulti)
			}
		})
	}
}

func TestBody(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc    string
		req     events.ALBTargetGroupRequest
		want    string
		wantErr bool
	}{
		{desc: "text as is (LAM-12 rule 2)", req: events.ALBTargetGroupRequest{Body: `{"a":1}`}, want: `{"a":1}`},
		{desc: "base64 decoded (LAM-12 rule 3)", req: events.ALBTargetGroupRequest{Body: "YT1i", IsBase64Encoded: true}, want: "a=b"},
		{desc: "bad base64", req: events.ALBTargetGroupRequest{Body: "!!", IsBase64Encoded: true}, wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := Body(tc.req)
			if (err != nil) != tc.wantErr || string(got) != tc.want {
				t.Errorf("Body = %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestResponseFor checks the wire shape the ALB accepts (LAM-20..LAM-26).
func TestResponseFor(t *testing.T) {
	t.Parallel()
	get := events.ALBTargetGroupRequest{HTTPMethod: "GET"}
	testCases := []struct {
		desc  string
		resp  Response
		req   events.ALBTargetGroupRequest
		check func(t *testing.T, out events.ALBTargetGroupResponse, raw string)
	}{
		{
			desc: "no headers still serialises both maps as objects, never null (LAM-22)",
			resp: Response{}, req: get,
			check: func(t *testing.T, out events.ALBTargetGroupResponse, raw string) {
				if strings.Contains(raw, "null") || out.StatusCode != 200 || out.StatusDescription != "200 OK" {
					t.Errorf("got %s", raw)
				}
			},
		},
		{
			desc: "repeated header: all values in multiValueHeaders, the last in headers (LAM-24)",
			resp: Response{Status: 201, Header: http.Header{"Set-Cookie": {"a=1", "b=2"}}}, req: get,
			check: func(t *testing.T, out events.ALBTargetGroupResponse, raw string) {
				if out.Headers["Set-Cookie"] != "b=2" || len(out.MultiValueHeaders["Set-Cookie"]) != 2 || out.StatusDescription != "201 Created" {
					t.Errorf("got %s", raw)
				}
			},
		},
		{
			desc: "binary body is base64 with isBase64Encoded (LAM-20)",
			resp: Response{Body: []byte{0xff, 0xd8, 0xff}, Binary: true}, req: get,
			check: func(t *testing.T, out events.ALBTargetGroupResponse, raw string) {
				if !out.IsBase64Encoded || out.Body != base64.StdEncoding.EncodeToString([]byte{0xff, 0xd8, 0xff}) {
					t.Errorf("got %s", raw)
				}
			},
		},
		{
			desc: "HEAD drops the body",
			resp: Text(200, "text/plain", "hello"), req: events.ALBTargetGroupRequest{HTTPMethod: "HEAD"},
			check: func(t *testing.T, out events.ALBTargetGroupResponse, raw string) {
				if out.Body != "" || out.Headers["Content-Type"] != "text/plain" {
					t.Errorf("got %s", raw)
				}
			},
		},
		{
			desc: "JSON sets its content type",
			resp: JSON(400, map[string]string{"error": "x"}), req: get,
			check: func(t *testing.T, out events.ALBTargetGroupResponse, raw string) {
				if out.Body != "{\"error\":\"x\"}\n" || out.Headers["Content-Type"] != "application/json" || out.StatusCode != 400 {
					t.Errorf("got %s", raw)
				}
			},
		},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out := tc.resp.For(tc.req)
			raw, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, out, string(raw))
		})
	}
}
