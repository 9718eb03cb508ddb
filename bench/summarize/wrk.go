package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one `wrk --latency` run reports.
type wrkResult struct {
	// Requests is the number of completed requests ("N requests in 10.00s").
	Requests int64
	// Elapsed is the measured duration of the run.
	Elapsed time.Duration
	// RPS is wrk's "Requests/sec".
	RPS float64
	// P50 and P99 are from the "Latency Distribution" block.
	P50, P99 time.Duration
	// P999 is the 99.9th percentile bench/wrk.lua prints ("Latency p99.9: 1234.00us"); -1 when
	// the report has none (a run without the script).
	P999 time.Duration
	// SocketErrors sums connect, read, write and timeout errors; zero when wrk printed none.
	SocketErrors int64
	// Non2xx counts "Non-2xx or 3xx responses": a proxy that answers errors is not faster.
	Non2xx int64
}

// parseWrk reads wrk's text report. Every field the benchmark needs must be present; a run
// that crashed or printed no latency distribution is an error, not a row of zeros.
func parseWrk(r io.Reader) (wrkResult, error) {
	res := wrkResult{P999: -1}
	var seen struct{ requests, rps, p50, p99 bool }
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		var err error
		switch {
		case len(f) == 2 && f[0] == "50%":
			res.P50, err = parseWrkDuration(f[1])
			seen.p50 = true
		case len(f) == 2 && f[0] == "99%":
			res.P99, err = parseWrkDuration(f[1])
			seen.p99 = true
		case len(f) == 3 && f[0] == "Latency" && f[1] == "p99.9:":
			res.P999, err = parseWrkDuration(f[2])
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			res.Requests, err = strconv.ParseInt(f[0], 10, 64)
			if err == nil {
				res.Elapsed, err = parseWrkDuration(strings.TrimSuffix(f[3], ","))
			}
			seen.requests = true
		case len(f) == 2 && f[0] == "Requests/sec:":
			res.RPS, err = strconv.ParseFloat(f[1], 64)
			seen.rps = true
		case len(f) >= 3 && f[0] == "Socket" && f[1] == "errors:":
			res.SocketErrors, err = sumSocketErrors(f[2:])
		case len(f) == 5 && strings.Join(f[:4], " ") == "Non-2xx or 3xx responses:":
			res.Non2xx, err = strconv.ParseInt(f[4], 10, 64)
		}
		if err != nil {
			return wrkResult{}, fmt.Errorf("wrk line %q: %w", sc.Text(), err)
		}
	}
	if err := sc.Err(); err != nil {
		return wrkResult{}, err
	}
	if !seen.requests || !seen.rps || !seen.p50 || !seen.p99 {
		return wrkResult{}, fmt.Errorf("incomplete wrk report (requests %t, requests/sec %t, p50 %t, p99 %t): was --latency given?",
			seen.requests, seen.rps, seen.p50, seen.p99)
	}
	return res, nil
}

// sumSocketErrors adds up "connect 0, read 1, write 0, timeout 2".
func sumSocketErrors(f []string) (int64, error) {
	if len(f)%2 != 0 {
		return 0, fmt.Errorf("odd socket error fields %q", f)
	}
	var total int64
	for i := 1; i < len(f); i += 2 {
		n, err := strconv.ParseInt(strings.TrimSuffix(f[i], ","), 10, 64)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// wrkUnits are the suffixes wrk prints for times (its format_time_us and format_time_s).
var wrkUnits = []struct {
	suffix string
	unit   time.Duration
}{
	// "ms" and "us" before "s", which they end with.
	{"us", time.Microsecond},
	{"ms", time.Millisecond},
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
}

// parseWrkDuration reads "250.00us", "1.23ms", "10.00s" or "2.00m".
func parseWrkDuration(s string) (time.Duration, error) {
	for _, u := range wrkUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		if v < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		return time.Duration(v * float64(u.unit)), nil
	}
	return 0, fmt.Errorf("duration %q has no unit (us, ms, s, m, h)", s)
}
