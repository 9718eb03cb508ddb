package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	testCases := []struct {
		desc   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{desc: "none", sorted: nil, p: 50, want: 0},
		{desc: "one value is every percentile", sorted: []time.Duration{7}, p: 99, want: 7},
		{desc: "p50 of 1..100 ms", sorted: hundred, p: 50, want: 50 * time.Millisecond},
		{desc: "p99 of 1..100 ms", sorted: hundred, p: 99, want: 99 * time.Millisecond},
		{desc: "p100 is the maximum", sorted: hundred, p: 100, want: 100 * time.Millisecond},
		{desc: "p50 of three is the middle", sorted: []time.Duration{1, 2, 30}, p: 50, want: 2},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Fatalf("percentile(p%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		values []float64
		want   float64
	}{
		{desc: "odd count", values: []float64{3, 1, 2}, want: 2},
		{desc: "even count averages the middle two", values: []float64{4, 1, 3, 2}, want: 2.5},
		{desc: "one value", values: []float64{9}, want: 9},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := median(tc.values); got != tc.want {
				t.Fatalf("median(%v) = %v, want %v", tc.values, got, tc.want)
			}
		})
	}
	if !math.IsNaN(median(nil)) {
		t.Fatal("median(nil) is not NaN")
	}
}
