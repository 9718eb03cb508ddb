package main

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc    string
		line    string
		want    procStat
		wantErr bool
	}{
		{
			desc: "plain command name",
			line: "4242 (bootstrap) S 4000 4242 4242 0 -1 4194560 900 0 0 0 120 35 0 0 20 0 8 0 12345 1000000 500",
			want: procStat{pid: 4242, ppid: 4000, ticks: 155},
		},
		{
			desc: "command name with spaces and parentheses",
			line: "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 1 1",
			want: procStat{pid: 7, ppid: 1, ticks: 7},
		},
		{desc: "truncated line", line: "7 (x) R 1 7", wantErr: true},
		{desc: "no command name", line: "7 x R 1", wantErr: true},
		{desc: "non-numeric utime", line: "7 (x) R 1 7 7 0 -1 0 0 0 0 0 u 4 0", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := parseStat(tc.line)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestTreeTicks(t *testing.T) {
	t.Parallel()
	// 10 is the server; 11 and 12 its function processes; 13 a grandchild; 20 unrelated.
	procs := []procStat{
		{pid: 1, ppid: 0, ticks: 1000},
		{pid: 10, ppid: 1, ticks: 100},
		{pid: 11, ppid: 10, ticks: 20},
		{pid: 12, ppid: 10, ticks: 3},
		{pid: 13, ppid: 12, ticks: 4},
		{pid: 20, ppid: 1, ticks: 500},
		{pid: 30, ppid: 1, ticks: 7},
	}
	testCases := []struct {
		desc  string
		roots []int
		want  ticks
	}{
		{desc: "a server and its descendants", roots: []int{10}, want: ticks{own: 100, all: 127}},
		{desc: "a leaf alone", roots: []int{13}, want: ticks{own: 4, all: 4}},
		{desc: "two roots: proxy and backend", roots: []int{10, 30}, want: ticks{own: 107, all: 134}},
		{desc: "a root listed twice counts once", roots: []int{10, 10}, want: ticks{own: 100, all: 127}},
		{desc: "a root below another counts once in all", roots: []int{10, 11}, want: ticks{own: 120, all: 127}},
		{desc: "an exited root counts nothing", roots: []int{99}, want: ticks{}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := treeTicks(procs, tc.roots); got != tc.want {
				t.Fatalf("treeTicks(%v) = %+v, want %+v", tc.roots, got, tc.want)
			}
		})
	}
}

// TestCPUTicksSelf reads the live table: this test process has used some CPU by now.
func TestCPUTicksSelf(t *testing.T) {
	for i := 0; i < 2_000_000; i++ {
		_ = os.Getpid()
	}
	got, err := cpuTicks([]int{os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	if got.own <= 0 || got.all < got.own {
		t.Fatalf("cpuTicks(self) = %+v, want own > 0 and all ≥ own", got)
	}
}

func TestParsePIDs(t *testing.T) {
	t.Parallel()
	got, err := parsePIDs(" 12, 34 ,")
	if err != nil || len(got) != 2 || got[0] != 12 || got[1] != 34 {
		t.Fatalf("parsePIDs = %v, %v", got, err)
	}
	if _, err := parsePIDs("12,x"); err == nil {
		t.Fatal("parsePIDs accepted x")
	}
	if _, err := parsePIDs("-3"); err == nil {
		t.Fatal("parsePIDs accepted -3")
	}
}
