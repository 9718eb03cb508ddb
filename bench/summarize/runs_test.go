package main

import (
	"strings"
	"testing"
)

func TestParseRunsErrors(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		in   string
		want string
	}{
		{desc: "nothing listed", in: "# header only\n", want: "no runs"},
		{desc: "too few fields", in: "nginx\t1\tr1-nginx.wrk\t99\n", want: "5 to 7 tab-separated fields"},
		{desc: "round not a number", in: "nginx\tone\tr1-nginx.wrk\t99\t106\n", want: "round"},
		{desc: "negative ticks", in: "nginx\t1\tr1-nginx.wrk\t-5\t106\n", want: "negative"},
		{desc: "backend ticks are always measured", in: "nginx\t1\tr1-nginx.wrk\t99\t-\n", want: "backend ticks"},
		{desc: "missing report", in: "nginx\t1\tnone.wrk\t99\t106\n", want: "none.wrk"},
		{desc: "broken report", in: "nginx\t1\ttruncated.wrk\t99\t106\n", want: "incomplete wrk report"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := parseRuns(strings.NewReader(tc.in), "testdata")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseRuns error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestParseRunsLine(t *testing.T) {
	t.Parallel()
	runs, err := parseRuns(strings.NewReader("# comment\n\ndirect\t2\tr1-direct.wrk\t-\t188\n"), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(runs))
	}
	r := runs[0]
	if r.System != "direct" || r.Round != 2 || r.ProxyTicks != -1 || r.BackendTicks != 188 || r.Wrk.Requests != 130351 {
		t.Errorf("parsed %+v", r)
	}
}
