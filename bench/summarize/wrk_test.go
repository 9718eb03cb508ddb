package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseWrkDuration(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{desc: "microseconds", in: "250.00us", want: 250 * time.Microsecond},
		{desc: "milliseconds", in: "1.22ms", want: 1220 * time.Microsecond},
		{desc: "seconds", in: "3.01s", want: 3010 * time.Millisecond},
		{desc: "minutes", in: "2.00m", want: 2 * time.Minute},
		{desc: "hours", in: "1.50h", want: 90 * time.Minute},
		{desc: "no unit", in: "12.5", wantErr: true},
		{desc: "unknown unit", in: "12ns", wantErr: true},
		{desc: "not a number", in: "fastms", wantErr: true},
		{desc: "negative", in: "-1.00ms", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := parseWrkDuration(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseWrkDuration(%q) error = %v, want error %t", tc.in, err, tc.wantErr)
			}
			// Float parsing may be off by a nanosecond.
			if diff := got - tc.want; diff < -time.Nanosecond || diff > time.Nanosecond {
				t.Errorf("parseWrkDuration(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseWrk(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc    string
		file    string
		want    wrkResult
		wantErr bool
	}{
		{
			desc: "captured nginx run",
			file: "r1-nginx.wrk",
			want: wrkResult{Requests: 87723, Elapsed: 3010 * time.Millisecond, RPS: 29166.91,
				P50: 1220 * time.Microsecond, P99: 118460 * time.Microsecond, P999: -1},
		},
		{
			desc: "socket errors, non-2xx answers and bench/wrk.lua's p99.9",
			file: "r1-errors.wrk",
			want: wrkResult{Requests: 60000, Elapsed: 3 * time.Second, RPS: 20000,
				P50: 250 * time.Microsecond, P99: 1500 * time.Millisecond, P999: 1900 * time.Millisecond, SocketErrors: 8, Non2xx: 7},
		},
		{desc: "a report cut short is an error, not zeros", file: "truncated.wrk", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := parseWrk(f)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseWrk(%s) error = %v, want error %t", tc.file, err, tc.wantErr)
			}
			if !closeResults(got, tc.want) {
				t.Errorf("parseWrk(%s) =\n%+v, want\n%+v", tc.file, got, tc.want)
			}
		})
	}
}

// closeResults compares two results, allowing durations a nanosecond of float rounding.
func closeResults(a, b wrkResult) bool {
	near := func(x, y time.Duration) bool { return x-y <= time.Nanosecond && y-x <= time.Nanosecond }
	return a.Requests == b.Requests && a.RPS == b.RPS && a.SocketErrors == b.SocketErrors &&
		a.Non2xx == b.Non2xx && near(a.Elapsed, b.Elapsed) && near(a.P50, b.P50) && near(a.P99, b.P99) &&
		near(a.P999, b.P999)
}
