package lambdatarget

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, *update, filepath.Join("testdata", name), got)
}

// forwarded are the headers the listener has set before the target sees the request (LAM-14).
var forwarded = [][2]string{
	{"Host", "web-1234567890.us-east-1.elb.amazonaws.com"},
	{"X-Forwarded-For", "203.0.113.7"},
	{"X-Forwarded-Proto", "http"},
	{"X-Forwarded-Port", "80"},
	{"X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678"},
}

func TestGoldenEvents(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		file   string
		method string
		target string
		header [][2]string
		body   string
		multi  bool
	}{
		{desc: "T1 T3 T8 GET with query and cookies, single-value", file: "event-get-single.json", method: "GET",
			target: "/api/items%20x?x=1&x=2&q=a%20b%2Bc",
			header: [][2]string{{"User-Agent", "curl/8.5.0"}, {"Accept", "*/*"}, {"Cookie", "a=1"}, {"Cookie", "b=2"}}},
		{desc: "T2 GET with query and cookies, multi-value", file: "event-get-multi.json", method: "GET",
			target: "/api/items%20x?x=1&x=2&q=a%20b%2Bc", multi: true,
			header: [][2]string{{"User-Agent", "curl/8.5.0"}, {"Accept", "*/*"}, {"Cookie", "a=1"}, {"Cookie", "b=2"}}},
		{desc: "T4 POST JSON as text", file: "event-post-json.json", method: "POST", target: "/api/items",
			header: [][2]string{{"Content-Type", "application/json; charset=utf-8"}, {"Content-Length", "26"}},
			body:   `{"name":"<b>é</b>","n":1}`},
		{desc: "T6 POST form as base64", file: "event-post-form.json", method: "POST", target: "/login",
			header: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "15"}},
			body:   "user=a&pass=b+c"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := newRequest(tc.method, tc.target, tc.body, append(append([][2]string{}, forwarded...), tc.header...))
			payload, err := New(Options{TargetGroupARN: testARN, MultiValueHeaders: tc.multi}).Event(r)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.file, payload)
			checkExclusiveFields(t, payload, tc.multi)
		})
	}
}

func TestGoldenHealthCheckEvents(t *testing.T) {
	t.Parallel()
	checkGolden(t, "healthcheck-single.json", HealthCheckEvent(testARN, "/health?deep=1", false))
	checkGolden(t, "healthcheck-multi.json", HealthCheckEvent(testARN, "/health?deep=1", true))
}
