package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// run is one measured wrk run against one system.
type run struct {
	System string
	Round  int
	Wrk    wrkResult
	// ProxyTicks is the utime+stime the proxy process spent during the run, in clock ticks;
	// -1 when the system has no proxy (the backend measured directly).
	ProxyTicks int64
	// BackendTicks is the same for the backend process.
	BackendTicks int64
	// ProxySwitches is how often the proxy's threads were switched out during the run
	// (voluntary and not); -1 when not measured.
	ProxySwitches int64
	// ProxySyscallRate is the proxy's system calls per second during the run (perf's count of
	// raw_syscalls:sys_enter over its window); -1 when not measured.
	ProxySyscallRate float64
}

// syscallsPerRequest is the proxy's system calls over the run's requests per second, or -1.
func (r run) syscallsPerRequest() float64 {
	if r.ProxySyscallRate < 0 || r.Wrk.RPS <= 0 {
		return -1
	}
	return r.ProxySyscallRate / r.Wrk.RPS
}

// switchesPerRequest is the proxy's context switches over the run's completed requests, or -1.
func (r run) switchesPerRequest() float64 {
	if r.ProxySwitches < 0 || r.Wrk.Requests == 0 {
		return -1
	}
	return float64(r.ProxySwitches) / float64(r.Wrk.Requests)
}

// cpuPerRequest converts ticks spent over the run's completed requests to microseconds per
// request, or -1 when there is nothing to divide.
func (r run) cpuPerRequest(ticks int64, clkTck int) float64 {
	if ticks < 0 || r.Wrk.Requests == 0 || clkTck <= 0 {
		return -1
	}
	return float64(ticks) * 1e6 / float64(clkTck) / float64(r.Wrk.Requests)
}

// readRuns reads the tab-separated run list the script writes, one run a line:
//
//	system  round  wrk-output-file  proxy-ticks|-  backend-ticks  [proxy-context-switches|-
//	        [proxy-syscalls-per-second|-]]
//
// wrk output files are relative to the list's folder. Lines starting with # are comments.
func readRuns(path string) ([]run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseRuns(f, filepath.Dir(path))
}

func parseRuns(r io.Reader, dir string) ([]run, error) {
	var runs []run
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		ru, err := parseRunLine(text, dir)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		runs = append(runs, ru)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs listed")
	}
	return runs, nil
}

func parseRunLine(text, dir string) (run, error) {
	f := strings.Split(text, "\t")
	if len(f) < 5 || len(f) > 7 {
		return run{}, fmt.Errorf("want 5 to 7 tab-separated fields, got %d", len(f))
	}
	ru := run{System: f[0], ProxyTicks: -1, ProxySwitches: -1, ProxySyscallRate: -1}
	if len(f) == 7 && f[6] != "-" {
		n, err := parseTicks(f[6])
		if err != nil {
			return run{}, fmt.Errorf("proxy system calls per second: %w", err)
		}
		ru.ProxySyscallRate = float64(n)
	}
	if len(f) >= 6 && f[5] != "-" {
		n, err := parseTicks(f[5])
		if err != nil {
			return run{}, fmt.Errorf("proxy context switches: %w", err)
		}
		ru.ProxySwitches = n
	}
	var err error
	if ru.Round, err = strconv.Atoi(f[1]); err != nil {
		return run{}, fmt.Errorf("round: %w", err)
	}
	if f[3] != "-" {
		if ru.ProxyTicks, err = parseTicks(f[3]); err != nil {
			return run{}, fmt.Errorf("proxy ticks: %w", err)
		}
	}
	if ru.BackendTicks, err = parseTicks(f[4]); err != nil {
		return run{}, fmt.Errorf("backend ticks: %w", err)
	}
	wrkFile := f[2]
	if !filepath.IsAbs(wrkFile) {
		wrkFile = filepath.Join(dir, wrkFile)
	}
	out, err := os.Open(wrkFile)
	if err != nil {
		return run{}, err
	}
	defer out.Close()
	if ru.Wrk, err = parseWrk(out); err != nil {
		return run{}, fmt.Errorf("%s: %w", f[2], err)
	}
	return ru, nil
}

func parseTicks(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil && n < 0 {
		err = fmt.Errorf("negative: %d", n)
	}
	return n, err
}
