package lambdatarget

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// lgoTestdata returns aws-lambda-go's events/testdata directory (LGO in the spec): its ALB
// fixtures are real captured events, used here in place rather than copied.
func lgoTestdata(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Fatalf("locating github.com/aws/aws-lambda-go: %v", err)
	}
	return filepath.Join(dir, "events", "testdata")
}

// requestFor rebuilds the HTTP request that the ALB turned into the fixture event.
func requestFor(t *testing.T, ev events.ALBTargetGroupRequest) *http.Request {
	t.Helper()
	var query []string
	for k, v := range ev.QueryStringParameters {
		query = append(query, k+"="+v)
	}
	for k, vs := range ev.MultiValueQueryStringParameters {
		for _, v := range vs {
			query = append(query, k+"="+v)
		}
	}
	slices.Sort(query)
	target := ev.Path
	if len(query) > 0 {
		target += "?" + strings.Join(query, "&")
	}
	r := newRequest(ev.HTTPMethod, target, ev.Body, nil)
	headers := ev.MultiValueHeaders
	if headers == nil {
		headers = map[string][]string{}
		for k, v := range ev.Headers {
			headers[k] = []string{v}
		}
	}
	for name, values := range headers {
		for _, v := range values {
			if name == "host" {
				r.Host = v
			} else {
				r.Header.Add(name, v)
			}
		}
	}
	if _, err := url.ParseRequestURI(target); err != nil {
		t.Fatalf("fixture path: %v", err)
	}
	return r
}

// TestLGORequestFixtures: for each captured ALB event, the request it came from produces the same
// event — equal once decoded with aws-lambda-go's type, and byte-for-byte equal to the fixture
// compacted, since field order and header order (sorted) are AWS's (LAM-10, LAM-14, LAM-15).
func TestLGORequestFixtures(t *testing.T) {
	t.Parallel()
	dir := lgoTestdata(t)
	testCases := []struct {
		desc  string
		file  string
		multi bool
	}{
		{"LAM-10 headers-only event", "alb-lambda-target-request-headers-only.json", false},
		{"LAM-10 multi-value event", "alb-lambda-target-request-multivalue-headers.json", true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			fixture, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := decodeEvent(t, fixture)
			target := New(Options{TargetGroupARN: want.RequestContext.ELB.TargetGroupArn, MultiValueHeaders: tc.multi})
			payload, err := target.Event(requestFor(t, want))
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if got := decodeEvent(t, payload); !reflect.DeepEqual(got, want) {
				t.Errorf("decoded event:\n got %+v\nwant %+v", got, want)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, fixture); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(payload, compact.Bytes()) {
				t.Errorf("event bytes:\n got %s\nwant %s", payload, compact.Bytes())
			}
		})
	}
}

// TestLGOResponseFixture feeds aws-lambda-go's response fixture, which carries both header
// fields: each target group mode uses only its own (LAM-24, §12.2).
func TestLGOResponseFixture(t *testing.T) {
	t.Parallel()
	payload, err := os.ReadFile(filepath.Join(lgoTestdata(t), "alb-lambda-target-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		desc       string
		multi      bool
		wantCookie []string
	}{
		{"LAM-24 single-value mode reads headers", false, []string{"cookies"}},
		{"LAM-24 multi-value mode reads multiValueHeaders", true,
			[]string{"cookie-name=cookie-value;Domain=myweb.com;Secure;HttpOnly", "cookie-name=cookie-value;Expires=May 8, 2019"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res := serve(t, Options{Invoker: returning(string(payload)), MultiValueHeaders: tc.multi},
				newRequest("GET", "/", "", nil))
			if res.err != nil {
				t.Fatalf("ServeHTTP: %v", res.err)
			}
			h := res.rec.Result().Header
			if res.rec.Code != 200 || res.rec.Body.String() != "Hello from Lambda" {
				t.Errorf("got %d %q", res.rec.Code, res.rec.Body)
			}
			if got := h.Values("Set-Cookie"); !slices.Equal(got, tc.wantCookie) {
				t.Errorf("Set-Cookie = %q, want %q", got, tc.wantCookie)
			}
			if got := h.Values("Content-Type"); !slices.Equal(got, []string{"application/json"}) {
				t.Errorf("Content-Type = %q", got)
			}
			if got := h.Get("Content-Length"); got != "17" {
				t.Errorf("Content-Length = %q, want 17", got)
			}
		})
	}
}
