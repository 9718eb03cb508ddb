package main

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMedian(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		in   []float64
		want float64
	}{
		{desc: "odd count takes the middle", in: []float64{30, 10, 20}, want: 20},
		{desc: "even count averages the middle two", in: []float64{4, 1, 3, 2}, want: 2.5},
		{desc: "one value", in: []float64{7}, want: 7},
		{desc: "an outlier round does not move it", in: []float64{100, 101, 5000}, want: 101},
		{desc: "not measured stays not measured", in: []float64{10, -1, 12}, want: -1},
		{desc: "nothing", in: nil, want: -1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := median(tc.in); got != tc.want {
				t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestCPUPerRequest(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc     string
		requests int64
		ticks    int64
		clkTck   int
		want     float64
	}{
		{desc: "one second over 10 000 requests is 100 µs", requests: 10000, ticks: 100, clkTck: 100, want: 100},
		{desc: "another tick rate", requests: 50000, ticks: 250, clkTck: 250, want: 20},
		{desc: "no proxy measured", requests: 10000, ticks: -1, clkTck: 100, want: -1},
		{desc: "no requests completed", requests: 0, ticks: 100, clkTck: 100, want: -1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := run{Wrk: wrkResult{Requests: tc.requests}}
			if got := r.cpuPerRequest(tc.ticks, tc.clkTck); got != tc.want {
				t.Errorf("cpuPerRequest = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	goals := targets{Subject: "albatross", Baseline: "nginx", MaxCPU: 80, MinRatio: 0.6, ReferenceCPU: 40}
	nginx := &summary{System: "nginx", RPS: 30000, ProxyCPU: 38}
	testCases := []struct {
		desc    string
		subject *summary
		base    *summary
		want    []string
	}{
		{desc: "both met", subject: &summary{RPS: 20000, ProxyCPU: 70}, base: nginx,
			want: []string{"70.0 µs", "≤ 80: met", "0.67×", "≥ 0.6×: met", "1.8× nginx's CPU", "≤ 2.0×: met"}},
		{desc: "relative CPU missed on a fast machine", subject: &summary{RPS: 20000, ProxyCPU: 30}, base: &summary{RPS: 30000, ProxyCPU: 10},
			want: []string{"≤ 80: met", "3.0× nginx's CPU", "≤ 2.0×: MISSED"}},
		{desc: "CPU missed", subject: &summary{RPS: 20000, ProxyCPU: 80.5}, base: nginx,
			want: []string{"≤ 80: MISSED", "≥ 0.6×: met"}},
		{desc: "throughput missed", subject: &summary{RPS: 17000, ProxyCPU: 50}, base: nginx,
			want: []string{"≤ 80: met", "0.57×", "≥ 0.6×: MISSED"}},
		{desc: "no baseline", subject: &summary{RPS: 1, ProxyCPU: 1}, base: nil, want: []string{"not checked"}},
		{desc: "no subject", subject: nil, base: nginx, want: []string{"not checked"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := verdict(tc.subject, tc.base, goals)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("verdict = %q, want it to contain %q", got, w)
				}
			}
		})
	}
}

// TestSummaryGolden renders captured wrk reports: nginx has three rounds (median), albatross
// one with errors and its context switches, direct has no proxy column, and run lists of five
// fields (no context switches) still read.
func TestSummaryGolden(t *testing.T) {
	t.Parallel()
	runs, err := readRuns(filepath.Join("testdata", "runs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	writeMarkdown(&got, summarize(runs, 100), targets{Subject: "albatross", Baseline: "nginx", MaxCPU: 80, MinRatio: 0.6, ReferenceCPU: 38})
	golden := filepath.Join("testdata", "summary.golden.md")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("summary differs from %s (run with -update if intended):\n%s", golden, got.String())
	}
}

// TestPair: the ratio is taken within each round, so a slow phase of the machine that halves
// both systems in one round does not move it; rounds where one system is missing are left out.
func TestPair(t *testing.T) {
	t.Parallel()
	mk := func(system string, round int, rps float64, ticks int64) run {
		return run{System: system, Round: round, Wrk: wrkResult{RPS: rps, Requests: int64(rps * 5)}, ProxyTicks: ticks}
	}
	runs := []run{
		mk("albatross", 1, 16000, 400), mk("candidate", 1, 17000, 400),
		mk("albatross", 2, 8000, 400), mk("candidate", 2, 8800, 400), // the slow phase
		mk("albatross", 3, 16000, 400), mk("candidate", 3, 15000, 400),
		mk("candidate", 4, 30000, 400), // no albatross run in round 4
	}
	got, ok := pair(runs, "candidate", "albatross", 100)
	if !ok {
		t.Fatal("no pair")
	}
	// Per round: 1.0625, 1.1, 0.9375; CPU per request is the inverse at equal ticks.
	if got.Rounds != 3 || got.Ahead != 2 || got.RPS != 1.0625 || math.Abs(got.CPU-1/1.0625) > 1e-9 {
		t.Errorf("pair: %d rounds, %d ahead, requests/s %v, CPU %v", got.Rounds, got.Ahead, got.RPS, got.CPU)
	}
	if _, ok := pair(runs, "candidate", "nginx", 100); ok {
		t.Error("a pair with a system that never ran")
	}
	want := "Paired rounds (candidate ÷ albatross in the same round, median of 3): requests/s 1.062× (ahead in 2 of 3), CPU/request 0.941×."
	if s := got.String(); s != want {
		t.Errorf("String() =\n%s\nwant\n%s", s, want)
	}
}
