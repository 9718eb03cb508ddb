package process

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// v1Controllers are the cgroup v1 controllers albatross falls back to for the limits its cgroup
// v2 group cannot set (hybrid hosts mount pids and memory as v1 hierarchies, which the unified
// one then lacks).
var v1Controllers = []string{"pids", "memory"}

// v1Group is an environment's group in one v1 hierarchy, and albatross's own group there, to
// which the thread that forked the process returns.
type v1Group struct {
	controller string
	dir, home  string
}

// v1Groups are an environment's cgroup v1 groups. A v1 group cannot be named at spawn as
// clone3 names a v2 one, so the process is forked from a thread that already sits in them
// (startIn): the kernel puts a child into its forking thread's groups, so the process is in its
// groups before its first instruction, and so is every descendant.
type v1Groups struct {
	groups []v1Group
}

var (
	v1Once    sync.Once
	v1Parents map[string]string // controller -> albatross's own v1 group, where writable
)

// v1Parent is albatross's own group in the v1 hierarchy of controller, when it is mounted
// and writable, else "". Groups albatross processes killed left there are removed the first
// time.
func v1Parent(controller string) string {
	v1Once.Do(func() {
		v1Parents = map[string]string{}
		for c, dir := range findV1Groups() {
			if syscall.Access(dir, 2 /* W_OK */) == nil {
				removeStaleCgroups(dir)
				v1Parents[c] = dir
			}
		}
	})
	return v1Parents[controller]
}

// findV1Groups maps each v1 controller albatross uses to the directory of albatross's own
// group in that hierarchy: the mount point of the hierarchy joined with the group's path in
// /proc/self/cgroup (relative to the mounted root, which in a container may be a subgroup).
func findV1Groups() map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return out
	}
	mounts := v1Mounts()
	for line := range strings.Lines(string(b)) {
		// hierarchy-id:controller,controller:path
		f := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(f) != 3 {
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			m, ok := mounts[c]
			if !ok {
				continue
			}
			rel, ok := strings.CutPrefix(f[2], m.root)
			if !ok {
				continue
			}
			out[c] = filepath.Join(m.point, rel)
		}
	}
	return out
}

type v1Mount struct{ root, point string }

// v1Mounts finds where each v1 hierarchy of a controller albatross uses is mounted.
func v1Mounts() map[string]v1Mount {
	out := map[string]v1Mount{}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional...] - fstype source superopts
		fields := strings.Fields(sc.Text())
		for i, field := range fields {
			if field != "-" || i+3 >= len(fields) || fields[i+1] != "cgroup" || len(fields) < 5 {
				continue
			}
			for _, opt := range strings.Split(fields[i+3], ",") {
				if isV1Controller(opt) {
					if _, seen := out[opt]; !seen {
						out[opt] = v1Mount{root: strings.TrimSuffix(fields[3], "/"), point: fields[4]}
					}
				}
			}
		}
	}
	return out
}

func isV1Controller(name string) bool { return slices.Contains(v1Controllers, name) }

// newV1Groups creates the environment's v1 groups for those controllers v2 does not offer
// (missing), with the limits set (a memory group only for a MemoryBytes), or returns nil when
// there is nothing to create. A group that cannot be created or bounded is left out: the limit
// then does not hold, as without v1.
func newV1Groups(l Limits, missing []string) *v1Groups {
	var g v1Groups
	for _, c := range missing {
		if c == "memory" && l.MemoryBytes <= 0 {
			continue
		}
		home := v1Parent(c)
		if home == "" {
			continue
		}
		if shared := g.in(home); shared != "" {
			// Both controllers in one hierarchy (mounted together): one group sets both limits,
			// a process being in one group per hierarchy.
			if limitV1(c, shared, l) {
				g.groups = append(g.groups, v1Group{controller: c, dir: shared, home: home})
			}
			continue
		}
		dir := filepath.Join(home, "albatross-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(cgroupSeq.Add(1), 10))
		if os.Mkdir(dir, 0o755) != nil {
			continue
		}
		if !limitV1(c, dir, l) {
			_ = os.Remove(dir)
			continue
		}
		g.groups = append(g.groups, v1Group{controller: c, dir: dir, home: home})
	}
	if len(g.groups) == 0 {
		return nil
	}
	return &g
}

// in returns the group already made in the hierarchy whose albatross group is home, or "".
func (g *v1Groups) in(home string) string {
	for _, grp := range g.groups {
		if grp.home == home {
			return grp.dir
		}
	}
	return ""
}

// limitV1 sets the group's bound: pids.max, or memory.limit_in_bytes with the same bound on
// memory plus swap where the kernel accounts swap (so no swap, as memory.swap.max 0 in v2;
// the order matters, the kernel keeps memsw at least the memory bound), and the OOM killer on
// (a parent that disabled it must not make functions hang at their bound instead of dying).
func limitV1(controller, dir string, l Limits) bool {
	write := func(name, value string) error { return writeControl(filepath.Join(dir, name), []byte(value)) }
	switch controller {
	case "pids":
		return write("pids.max", strconv.Itoa(l.MaxProcs)) == nil
	case "memory":
		bound := strconv.FormatInt(l.MemoryBytes, 10)
		if write("memory.limit_in_bytes", bound) != nil {
			return false
		}
		if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil {
			if write("memory.memsw.limit_in_bytes", bound) != nil {
				return false
			}
		}
		_ = write("memory.oom_control", "0")
		return true
	}
	return false
}

// writeControl writes a control file of a cgroup, which must exist: a folder that is no cgroup
// gets no file of that name and fails the write, instead of seeming to hold a limit.
func writeControl(file string, value []byte) error {
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// has reports whether the environment has a v1 group of controller.
func (g *v1Groups) has(controller string) bool {
	if g == nil {
		return false
	}
	for _, grp := range g.groups {
		if grp.controller == controller {
			return true
		}
	}
	return false
}

// startIn runs start, which forks the process, on a thread moved into every group of g, and
// moves the thread back afterwards. Go keeps a thread locked with LockOSThread to its
// goroutine and creates no runtime threads from it (they would inherit its groups), and the
// thread lives on afterwards, as the process's parent-death signal requires. The thread must
// not be albatross's main thread: the kernel charges albatross's memory to the memory group of
// that thread (the owner of the address space), which meanwhile would be the function's. If
// the thread cannot join every group, the groups are dropped and the process starts without
// them, as where v1 is not writable.
func (g *v1Groups) startIn(start func() error) error {
	if !g.active() {
		return start()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if syscall.Gettid() == os.Getpid() {
		// This goroutine holds the main thread, so another one runs on another thread.
		errc := make(chan error, 1)
		go func() { errc <- g.startIn(start) }()
		return <-errc
	}
	tid := []byte(strconv.Itoa(syscall.Gettid()))
	joined := 0
	for _, grp := range g.groups {
		if writeControl(filepath.Join(grp.dir, "tasks"), tid) != nil {
			break
		}
		joined++
	}
	if joined == len(g.groups) {
		defer g.goHome(tid, joined)
		return start()
	}
	g.goHome(tid, joined)
	g.remove()
	g.groups = nil
	return start()
}

// goHome moves the thread back from the first joined groups to albatross's own, for the next
// fork from it. As root, into albatross's own group, this does not fail in practice; if it did,
// the thread would stay counted in the environment's pids group, and the group would stay behind
// after the stop.
func (g *v1Groups) goHome(tid []byte, joined int) {
	for _, grp := range g.groups[:joined] {
		_ = writeControl(filepath.Join(grp.home, "tasks"), tid)
	}
}

// active reports whether the environment's process was born in v1 groups: g exists and
// startIn could join them.
func (g *v1Groups) active() bool { return g != nil && len(g.groups) > 0 }

// members lists the processes in the environment's first group: every group holds the same
// processes, all descendants of a process born in them.
func (g *v1Groups) members() []int {
	if !g.active() {
		return nil
	}
	return readPIDs(filepath.Join(g.groups[0].dir, "cgroup.procs"))
}

// v1KillRounds bounds kill: each round kills every listed process, so only processes forked
// during the previous round are left for the next, and pids.max bounds how many those can be.
const v1KillRounds = 100

// kill SIGKILLs every process of the environment until none is listed: v1 has no cgroup.kill.
// A process that escaped its session or was orphaned is listed all the same.
func (g *v1Groups) kill() {
	for range v1KillRounds {
		pids := g.members()
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(time.Millisecond) // let the killed processes exit and leave the list
	}
}

// remove deletes the groups once their processes are gone; the kernel refuses while any remain,
// so it retries briefly after a kill.
func (g *v1Groups) remove() {
	if g == nil {
		return
	}
	for _, grp := range g.groups {
		for range 50 {
			err := os.Remove(grp.dir)
			if err == nil || errors.Is(err, os.ErrNotExist) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// Bounds says which cgroup bounds each environment's processes and threads (pids) and its
// memory on this host: "cgroup-v2" where albatross's v2 group enables the controller for its
// children, else "cgroup-v1" where the controller's v1 hierarchy is writable, else "none". It is
// for the operator's log: a start that cannot create a group after all still runs, unbounded.
func Bounds() (pids, memory string) {
	parent := cgroupV2Parent()
	var v2 []string
	if parent != "" {
		b, _ := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control"))
		v2 = strings.Fields(string(b))
	}
	bound := func(controller string) string {
		switch {
		case slices.Contains(v2, controller):
			return "cgroup-v2"
		case v1Parent(controller) != "":
			return "cgroup-v1"
		}
		return "none"
	}
	return bound("pids"), bound("memory")
}
