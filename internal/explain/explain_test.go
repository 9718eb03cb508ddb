package explain

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/config/file"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// selfField is the trace header's Self field, new for every request (HDR-TRACE-03): the golden
// files hold a fixed value in its place.
var selfField = regexp.MustCompile(`Self=1-[0-9a-f]{8}-[0-9a-f]{24}`)

// TestExplainGolden pins `albatross explain` output for each kind of outcome: a forward with the
// exact Lambda event, a redirect with its Location, a fixed-response, a source-ip rule, the
// default rule, a rule shadowed by a lower priority, a rejection before routing (RUL-01, RUL-02,
// XFF-03, LAM-01). Run with -update to rewrite testdata/*.golden.
func TestExplainGolden(t *testing.T) {
	cfg, err := file.Load(filepath.Join("testdata", "albatross.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const trace = "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678"
	testCases := []struct {
		desc, golden string
		in           Input
	}{
		{desc: "weighted forward with a Lambda event", golden: "forward-lambda", in: Input{Method: "POST",
			URL: "http://api.example.com:8080/api/items?x=1&y=%20z", Headers: []string{"X-Env: beta-1", trace, "Content-Type: application/json"}, Body: `{"a":1}`}},
		{desc: "redirect", golden: "redirect", in: Input{Method: "GET", URL: "http://Example.com:8080/old/page?q=1", Headers: []string{trace}}},
		{desc: "fixed-response, rule 30 shadowing nothing", golden: "fixed-response", in: Input{Method: "GET", URL: "http://h:8080/teapot"}},
		{desc: "source-ip rule wins over a later match", golden: "source-ip", in: Input{Method: "GET", URL: "http://h:8080/api/teapot", SourceIP: "10.1.2.3"}},
		{desc: "default rule", golden: "default", in: Input{Method: "GET", URL: "http://h:8080/api/x", Headers: []string{"X-Env: prod"}}},
		{desc: "rejected before routing: 463", golden: "rejected-463", in: Input{Method: "GET", URL: "http://h:8080/",
			Headers: []string{"X-Forwarded-For: 1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1,1.1.1.1"}}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r, port, err := tc.in.Request()
			if err != nil {
				t.Fatal(err)
			}
			ex, err := Explain(cfg, r, port)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := ex.WriteText(&out, true); err != nil {
				t.Fatal(err)
			}
			got := selfField.ReplaceAll(out.Bytes(), []byte("Self=1-00000000-000000000000000000000000"))
			path := filepath.Join("testdata", tc.golden+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("explain differs from %s (run with -update to accept):\n%s", path, got)
			}
		})
	}
}

// TestExplainNoListener names the listeners there are.
func TestExplainNoListener(t *testing.T) {
	t.Parallel()
	cfg, err := file.Load(filepath.Join("testdata", "albatross.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, port, _ := Input{Method: "GET", URL: "http://h:9999/"}.Request()
	if _, err := Explain(cfg, r, port); err == nil || err.Error() != "no listener on port 9999 (listeners: [8080])" {
		t.Errorf("err = %v", err)
	}
}

// TestHandler: the served configuration explained over HTTP.
func TestHandler(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
		DefaultActions: []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200"}}}}}}}}
	testCases := []struct {
		desc, query string
		served      *config.Config
		status      int
		want        string
	}{
		{desc: "default rule", query: "url=http://h:0/x", served: cfg, status: 200, want: "default rule: runs"},
		{desc: "no such listener", query: "url=http://h:81/x", served: cfg, status: 404, want: "no listener on port 81"},
		{desc: "nothing served yet", query: "url=http://h:0/x", status: 404, want: "no listener on port 0"},
		{desc: "bad url", query: "url=nope", served: cfg, status: 400, want: "want http://"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			Handler(func() *config.Config { return tc.served }).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/explain?"+tc.query, nil))
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("status %d body %q", w.Code, w.Body.String())
			}
		})
	}
}
