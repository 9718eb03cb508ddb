package lambdatarget

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// newRequest builds a request as the listener hands it over: headers in order, Host set.
func newRequest(method, target, body string, header [][2]string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	}
	for _, kv := range header {
		if strings.EqualFold(kv[0], "Host") {
			r.Host = kv[1]
			continue
		}
		r.Header.Add(kv[0], kv[1])
	}
	return r
}

func albRequest(method, path string) events.ALBTargetGroupRequest {
	return events.ALBTargetGroupRequest{
		HTTPMethod:     method,
		Path:           path,
		RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{TargetGroupArn: testARN}},
	}
}

func TestEventFields(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		method string
		target string
		header [][2]string
		body   string
		multi  bool
		want   func(ev *events.ALBTargetGroupRequest)
	}{
		{
			desc: "T1 LAM-10 LAM-11 duplicate query key, single-value: last wins", method: "GET", target: "/a?x=1&x=2",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.QueryStringParameters = map[string]string{"x": "2"}
			},
		},
		{
			desc: "T2 LAM-10 duplicate query key, multi-value: all values in order", method: "GET", target: "/a?x=1&x=2",
			multi: true,
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.MultiValueQueryStringParameters = map[string][]string{"x": {"1", "2"}}
				ev.MultiValueHeaders = map[string][]string{"host": {"example.com"}}
			},
		},
		{
			desc: "T3 LAM-11 query not decoded, + kept", method: "GET", target: "/?q=a%20b%2Bc&p=a+b&foo%5Ba%5D=foo%5B",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.QueryStringParameters = map[string]string{"q": "a%20b%2Bc", "p": "a+b", "foo%5Ba%5D": "foo%5B"}
			},
		},
		{
			desc: "LAM-10 doc example ?&myKey=val1&myKey=val2, key without = and ; kept", method: "GET",
			target: "/?&myKey=val1&myKey=val2&flag&a=1;b=2",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.QueryStringParameters = map[string]string{"myKey": "val2", "flag": "", "a": "1;b=2"}
			},
		},
		{
			desc: "T4 LAM-12 application/json body sent as text", method: "POST", target: "/p",
			header: [][2]string{{"Content-Type", "application/json"}}, body: `{"a":1}`,
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["content-type"] = "application/json"
				ev.Body = `{"a":1}`
			},
		},
		{
			desc: "T5 LAM-12 content-encoding forces base64", method: "POST", target: "/p",
			header: [][2]string{{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}}, body: `{"a":1}`,
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["content-type"] = "application/json"
				ev.Headers["content-encoding"] = "gzip"
				ev.Body, ev.IsBase64Encoded = "eyJhIjoxfQ==", true
			},
		},
		{
			desc: "T6 LAM-12 form body is base64", method: "POST", target: "/p",
			header: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, body: "a=b",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["content-type"] = "application/x-www-form-urlencoded"
				ev.Body, ev.IsBase64Encoded = "YT1i", true
			},
		},
		{
			desc: "T7 LAM-12 no body, no content-type: empty text", method: "GET", target: "/",
			want: func(ev *events.ALBTargetGroupRequest) {},
		},
		{
			desc: "§12.6 empty body with a binary content-type is still empty text", method: "POST", target: "/",
			header: [][2]string{{"Content-Type", "application/octet-stream"}, {"Content-Length", "0"}},
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["content-type"] = "application/octet-stream"
				ev.Headers["content-length"] = "0"
			},
		},
		{
			desc: "LAM-12 body without content-type is base64", method: "PUT", target: "/",
			body: "hi",
			want: func(ev *events.ALBTargetGroupRequest) { ev.Body, ev.IsBase64Encoded = "aGk=", true },
		},
		{
			desc: "T8 LAM-10 two cookie lines single-value: last; names lowercased", method: "GET", target: "/",
			header: [][2]string{{"Cookie", "name1=value1"}, {"Cookie", "name2=value2"}, {"X-MyHeader", "123"}},
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["cookie"] = "name2=value2"
				ev.Headers["x-myheader"] = "123"
			},
		},
		{
			desc: "LAM-10 two cookie lines multi-value: both in order", method: "GET", target: "/",
			header: [][2]string{{"Cookie", "name1=value1"}, {"Cookie", "name2=value2"}}, multi: true,
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.MultiValueQueryStringParameters = map[string][]string{}
				ev.MultiValueHeaders = map[string][]string{
					"cookie": {"name1=value1", "name2=value2"}, "host": {"example.com"}}
			},
		},
		{
			desc: "LAM-14 LAM-15 forwarding and hop-by-hop headers pass through, host from r.Host", method: "GET", target: "/",
			header: [][2]string{{"Host", "lb.example.com:8080"}, {"Connection", "keep-alive"}, {"Upgrade-Insecure-Requests", "1"},
				{"X-Forwarded-For", "203.0.113.7"}, {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Port", "8080"},
				{"X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678"}},
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers = map[string]string{"host": "lb.example.com:8080", "connection": "keep-alive",
					"upgrade-insecure-requests": "1", "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "http",
					"x-forwarded-port": "8080", "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678"}
			},
		},
		{
			desc: "§12.7 path raw as received, not decoded or normalised", method: "GET", target: "/a%2Fb/./c//d%41",
			want: func(ev *events.ALBTargetGroupRequest) { ev.Path = "/a%2Fb/./c//d%41" },
		},
		{
			desc: "§12.7 absolute-form request target: path only", method: "GET", target: "http://example.com/x/y?z=1",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Path = "/x/y"
				ev.QueryStringParameters = map[string]string{"z": "1"}
			},
		},
		{
			desc: "JSON escaping of text: quotes, control characters, <>& and non-ASCII kept", method: "POST", target: "/",
			header: [][2]string{{"Content-Type", "text/plain"}, {"X-Q", `a"b\c`}}, body: "<é>&\"\\\n\t\x01\u2028",
			want: func(ev *events.ALBTargetGroupRequest) {
				ev.Headers["content-type"] = "text/plain"
				ev.Headers["x-q"] = `a"b\c`
				ev.Body = "<é>&\"\\\n\t\x01\u2028"
			},
		},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := newRequest(tc.method, tc.target, tc.body, tc.header)
			payload, err := New(Options{TargetGroupARN: testARN, MultiValueHeaders: tc.multi}).Event(r)
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			want := albRequest(tc.method, strings.SplitN(r.URL.Path, "?", 2)[0])
			if !tc.multi {
				want.QueryStringParameters = map[string]string{}
				want.Headers = map[string]string{"host": "example.com"}
			}
			tc.want(&want)
			got := decodeEvent(t, payload)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("event:\n got %+v\nwant %+v\n%s", got, want, payload)
			}
			checkExclusiveFields(t, payload, tc.multi)
		})
	}
}

// checkExclusiveFields is LAM-10: only the fields of the target group's mode are present.
func checkExclusiveFields(t *testing.T, payload []byte, multi bool) {
	t.Helper()
	keys := eventKeys(t, payload)
	present, absent := []string{"queryStringParameters", "headers"}, []string{"multiValueQueryStringParameters", "multiValueHeaders"}
	if multi {
		present, absent = absent, present
	}
	for _, k := range present {
		if _, ok := keys[k]; !ok {
			t.Errorf("event lacks %q: %s", k, payload)
		}
	}
	for _, k := range absent {
		if _, ok := keys[k]; ok {
			t.Errorf("event has %q: %s", k, payload)
		}
	}
}

func TestTextMediaTypes(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc        string
		contentType string
		want        bool
	}{
		{"LAM-12 text/plain", "text/plain", true},
		{"LAM-12 text/html with charset", "text/html; charset=utf-8", true},
		{"§12.6 case-insensitive", "Application/JSON", true},
		{"§12.6 parameters ignored", "application/json;charset=UTF-8", true},
		{"LAM-12 application/javascript", "application/javascript", true},
		{"LAM-12 application/xml", "application/xml", true},
		{"§12.6 +json suffix is not in the list", "application/problem+json", false},
		{"§12.6 vnd+json is not in the list", "application/vnd.api+json", false},
		{"LAM-12 form", "application/x-www-form-urlencoded", false},
		{"LAM-12 multipart", "multipart/form-data; boundary=x", false},
		{"LAM-12 none", "", false},
		{"bare text/ is no media type", "text/", false},
		{"application/jsonx is not json", "application/jsonx", false},
		{"spaces around the type", "  text/csv ; header=present", true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := isTextMediaType(tc.contentType); got != tc.want {
				t.Errorf("isTextMediaType(%q) = %t, want %t", tc.contentType, got, tc.want)
			}
		})
	}
}

func TestEventRejectsNonUTF8(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		target string
		header [][2]string
		body   string
	}{
		{"LAM-13 text body", "/", [][2]string{{"Content-Type", "text/plain"}}, "caf\xe9"},
		{"LAM-13 header value", "/", [][2]string{{"User-Agent", "Beno\xeet"}}, ""},
		{"LAM-13 query", "/?q=\xff", nil, ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			inv := returning(`{"statusCode":200}`)
			res := serve(t, Options{Invoker: inv}, newRequest("POST", tc.target, tc.body, tc.header))
			if res.err == nil || res.err.Status != http.StatusBadRequest || res.err.Reason != ReasonBadRequest {
				t.Fatalf("got %v, want 400 %s", res.err, ReasonBadRequest)
			}
			if inv.calls() != 0 {
				t.Error("function invoked for a request the ALB refuses")
			}
		})
	}
	// A binary body is base64-encoded, so its bytes need not be UTF-8.
	inv := returning(`{"statusCode":200}`)
	res := serve(t, Options{Invoker: inv}, newRequest("POST", "/", "\xff\xfe", [][2]string{{"Content-Type", "image/png"}}))
	if res.err != nil || decodeEvent(t, inv.payloads[0]).Body != "//4=" {
		t.Errorf("binary body: err %v, event %s", res.err, inv.payloads)
	}
}
