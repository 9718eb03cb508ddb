package reconcile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/albatross-lb/albatross/internal/config/file"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// selfField is the trace header's Self field, new for every request (HDR-TRACE-03): the golden
// files hold a fixed value in its place.
var selfField = regexp.MustCompile(`Self=1-[0-9a-f]{8}-[0-9a-f]{24}`)

// TestExplainGolden pins `albatross explain` output for each kind of outcome: a forward with the
// exact Lambda event, a redirect with its Location, a fixed-response, a source-ip rule, the
// default rule, a rule shadowed by a lower priority, a rejection before routing (RUL-01, RUL-02,
// XFF-03, LAM-01). Run with -update to rewrite testdata/explain/*.golden.
func TestExplainGolden(t *testing.T) {
	cfg, err := file.Load(filepath.Join("testdata", "explain", "albatross.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const trace = "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678"
	testCases := []struct {
		desc, golden string
		in           ExplainInput
	}{
		{desc: "weighted forward with a Lambda event", golden: "forward-lambda", in: ExplainInput{Method: "POST",
			URL: "http://api.example.com:8080/api/items?x=1&y=%20z", Headers: []string{"X-Env: beta-1", trace, "Content-Type: application/json"}, Body: `{"a":1}`}},
		{desc: "redirect", golden: "redirect", in: ExplainInput{Method: "GET", URL: "http://Example.com:8080/old/page?q=1", Headers: []string{trace}}},
		{desc: "fixed-response, rule 30 shadowing nothing", golden: "fixed-response", in: ExplainInput{Method: "GET", URL: "http://h:8080/teapot"}},
		{desc: "source-ip rule wins over a later match", golden: "source-ip", in: ExplainInput{Method: "GET", URL: "http://h:8080/api/teapot", SourceIP: "10.1.2.3"}},
		{desc: "default rule", golden: "default", in: ExplainInput{Method: "GET", URL: "http://h:8080/api/x", Headers: []string{"X-Env: prod"}}},
		{desc: "rejected before routing: 463", golden: "rejected-463", in: ExplainInput{Method: "GET", URL: "http://h:8080/",
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
			path := filepath.Join("testdata", "explain", tc.golden+".golden")
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
	cfg, err := file.Load(filepath.Join("testdata", "explain", "albatross.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, port, _ := ExplainInput{Method: "GET", URL: "http://h:9999/"}.Request()
	if _, err := Explain(cfg, r, port); err == nil || err.Error() != "no listener on port 9999 (listeners: [8080])" {
		t.Errorf("err = %v", err)
	}
}
