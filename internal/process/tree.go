//go:build unix

package process

import (
	"os"
	"strconv"
	"strings"
)

// Tree lists the living processes of the environment: the process and every descendant, also
// those that called setsid. Where the environment has no cgroup, a descendant that was orphaned
// (its parent exited) is found only if an earlier Tree or MaxRSS saw it.
func (p *Process) Tree() []int {
	pids := p.contain.tree(p.PID())
	p.seen(pids)
	return pids
}

// seen remembers pids with their start times, so that a descendant orphaned later (a daemon's
// double fork) can still be killed, and a recycled pid never is.
func (p *Process) seen(pids []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pid := range pids {
		if pid == p.PID() || len(p.known) >= 4096 {
			continue
		}
		if _, ok := p.known[pid]; !ok {
			if st := startTime(pid); st != 0 {
				p.known[pid] = st
			}
		}
	}
}

// orphans returns the remembered descendants that still run as the same processes.
func (p *Process) orphans() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for pid, st := range p.known {
		if startTime(pid) == st {
			out = append(out, pid)
		} else {
			delete(p.known, pid)
		}
	}
	return out
}

// startTime is field 22 of /proc/<pid>/stat (clock ticks after boot), 0 when unreadable.
func startTime(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	// fields[0] is field 3 (state); start time is field 22.
	if len(fields) < 20 {
		return 0
	}
	v, _ := strconv.ParseInt(fields[19], 10, 64)
	return v
}
