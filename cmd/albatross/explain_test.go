package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestExplainCommand: flags reach the explanation (the full output is pinned by the golden
// files of internal/explain); usage errors exit 2.
func TestExplainCommand(t *testing.T) {
	const cfg = "../../internal/explain/testdata/albatross.yaml"
	testCases := []struct {
		desc string
		args []string
		code int
		want string
	}{
		{desc: "header and source", args: []string{"explain", "--config", cfg, "-H", "X-Env: beta", "--source-ip", "10.0.0.9", "GET", "http://h:8080/api/x"},
			want: "rule 10: MATCH (runs)"},
		{desc: "source-ip rule", args: []string{"explain", "--config", cfg, "--source-ip", "10.0.0.9", "GET", "http://h:8080/x"},
			want: "rule 15: MATCH (runs)"},
		{desc: "compact event", args: []string{"explain", "--config", cfg, "--compact", "-H", "X-Env: beta", "GET", "http://h:8080/api/x"},
			want: `{"requestContext":{"elb":{"targetGroupArn":`},
		{desc: "missing URL", args: []string{"explain", "--config", cfg, "GET"}, code: 2, want: "usage: albatross explain"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := run(tc.args, &out, &errOut)
			if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
				t.Errorf("exit %d, output:\n%s%s", code, out.String(), errOut.String())
			}
		})
	}
}
