package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procStat is the part of /proc/PID/stat the benchmark reads (proc(5)).
type procStat struct {
	pid, ppid int
	// ticks is utime+stime in clock ticks, summed over all threads of the process.
	ticks int64
}

// parseStat reads one /proc/PID/stat line. The command name is in parentheses and may itself
// contain spaces and parentheses, so the fields are counted from the last ')'.
func parseStat(line string) (procStat, error) {
	open := strings.IndexByte(line, '(')
	closing := strings.LastIndexByte(line, ')')
	if open < 1 || closing < open {
		return procStat{}, fmt.Errorf("stat line %q: no (comm)", line)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return procStat{}, fmt.Errorf("stat line %q: pid: %w", line, err)
	}
	// After ") ": state is field 3 of proc(5), so ppid (4) is rest[1], utime (14) rest[11] and
	// stime (15) rest[12].
	rest := strings.Fields(line[closing+1:])
	if len(rest) < 13 {
		return procStat{}, fmt.Errorf("stat line %q: %d fields after comm, want at least 13", line, len(rest))
	}
	var nums [3]int64
	for i, idx := range []int{1, 11, 12} {
		if nums[i], err = strconv.ParseInt(rest[idx], 10, 64); err != nil {
			return procStat{}, fmt.Errorf("stat line %q: field %d: %w", line, idx+3, err)
		}
	}
	return procStat{pid: pid, ppid: int(nums[0]), ticks: nums[1] + nums[2]}, nil
}

// ticks are CPU clock ticks of the serving processes: own counts the roots alone, all adds
// every descendant (function processes), so that the two can be told apart.
type ticks struct{ own, all int64 }

func (t ticks) minus(u ticks) ticks { return ticks{t.own - u.own, t.all - u.all} }

// treeTicks sums the ticks of the roots, and of the roots with all their descendants. A root that
// is missing contributes nothing (it may have exited); the caller notices through the error counts.
func treeTicks(procs []procStat, roots []int) ticks {
	children := make(map[int][]int, len(procs))
	byPID := make(map[int]procStat, len(procs))
	for _, p := range procs {
		byPID[p.pid] = p
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	seen := make(map[int]bool)
	var total ticks
	for _, pid := range roots {
		if p, ok := byPID[pid]; ok && !seen[pid] {
			seen[pid] = true
			total.own += p.ticks
		}
	}
	clear(seen)
	queue := append([]int(nil), roots...)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		if p, ok := byPID[pid]; ok {
			total.all += p.ticks
		}
		queue = append(queue, children[pid]...)
	}
	return total
}

// readProcs reads the stat line of every process in /proc. Processes that exit while being read
// are skipped.
func readProcs() ([]procStat, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var procs []procStat
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		p, err := parseStat(strings.TrimSpace(string(raw)))
		if err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	if len(procs) == 0 {
		return nil, errors.New("no processes in /proc")
	}
	return procs, nil
}

// cpuTicks is treeTicks over the live process table.
func cpuTicks(roots []int) (ticks, error) {
	if len(roots) == 0 {
		return ticks{}, nil
	}
	procs, err := readProcs()
	if err != nil {
		return ticks{}, err
	}
	return treeTicks(procs, roots), nil
}

// parsePIDs reads a comma-separated PID list; empty means none.
func parsePIDs(s string) ([]int, error) {
	var pids []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("bad PID %q", f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}
