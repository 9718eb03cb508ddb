package process

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requireV1 skips the test unless p's environment has a cgroup v1 group of every controller
// named: where cgroup v2 offers the controller, or v1 is not mounted writable, there is none.
func requireV1(t *testing.T, p *Process, controllers ...string) {
	t.Helper()
	for _, c := range controllers {
		if !p.contain.v1.has(c) {
			t.Skipf("no cgroup v1 group of %s here: cgroup v2 offers the controller, or its v1 hierarchy is not mounted writable", c)
		}
	}
}

// withoutCgroupV2 makes the package behave as on a host with only cgroup v1 for the rest of the
// test. Not for parallel tests: it swaps the package's cgroup parent.
func withoutCgroupV2(t *testing.T) {
	saved := cgroupV2Parent()
	cgroupMu.Lock()
	cgroupParent = ""
	cgroupMu.Unlock()
	t.Cleanup(func() {
		cgroupMu.Lock()
		cgroupParent = saved
		cgroupMu.Unlock()
	})
}

// TestV1GroupsHoldFromTheFirstInstruction: a process is in its cgroup v1 groups before it runs,
// and so is the child its first command forks: a shell whose first act is to fork cat, which
// prints its own groups at once. A process moved into its groups after it started would show
// albatross's groups here. The thread that forked it is back in albatross's own groups.
func TestV1GroupsHoldFromTheFirstInstruction(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p, err := Start(Config{Command: []string{"/bin/sh", "-c", "cat /proc/self/cgroup; echo done"}, Output: c.output,
		Limits: Limits{MemoryBytes: 256 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	requireV1(t, p, "pids", "memory")
	got := map[string]string{}
	for {
		line := strings.TrimPrefix(c.next(t), "stdout: ")
		if line == "done" {
			break
		}
		if f := strings.SplitN(line, ":", 3); len(f) == 3 {
			for _, controller := range strings.Split(f[1], ",") {
				got[controller] = f[2]
			}
		}
	}
	for _, g := range p.contain.v1.groups {
		if !strings.HasSuffix(got[g.controller], "/"+filepath.Base(g.dir)) {
			t.Errorf("the first child's %s group is %q, want the environment's %s", g.controller, got[g.controller], g.dir)
		}
	}
	// The thread that forked went home: no thread of albatross stays counted in the environment.
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		b, _ := os.ReadFile("/proc/self/task/" + task.Name() + "/cgroup")
		for _, g := range p.contain.v1.groups {
			if strings.Contains(string(b), filepath.Base(g.dir)) {
				t.Errorf("albatross's thread %s stayed in the environment's %s group", task.Name(), g.controller)
			}
		}
	}
}

// TestV1StopKillsEscapedMembers: where cgroup v1 is all there is, a stop kills every member of
// the environment's group, also a daemon that left its session and whose parent exited (so no
// process tree leads to it, and no sample saw it), and the group is removed afterwards.
func TestV1StopKillsEscapedMembers(t *testing.T) {
	withoutCgroupV2(t)
	c := newCollector()
	p := startHelper(t, "daemon", c.output)
	requireV1(t, p, "pids")
	if p.contain.cgroup != nil {
		t.Fatal("the process has a cgroup v2 group")
	}
	daemon := readyChild(t, c)
	if !alive(daemon) {
		t.Fatalf("daemon %d not running", daemon)
	}
	groups := p.contain.v1.groups
	p.Stop(0)
	// SIGKILL is delivered asynchronously: give the kernel a moment before judging.
	for i := 0; i < 500 && alive(daemon); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(daemon) {
		_ = syscall.Kill(daemon, syscall.SIGKILL)
		t.Fatalf("daemon %d outlived its environment", daemon)
	}
	for _, g := range groups {
		if _, err := os.Stat(g.dir); !os.IsNotExist(err) {
			t.Errorf("group %s left after the stop: %v", g.dir, err)
		}
	}
}

// staleCgroupsRemoved checks that the groups a killed albatross (pid) left behind, empty once
// its functions died with it, are there, and that the next albatross removes them: in cgroup
// v2 and in each writable v1 hierarchy.
func staleCgroupsRemoved(t *testing.T, pid int) {
	t.Helper()
	cgroupParentOnce.Do(func() { cgroupParent = findCgroupParent() })
	cgroupMu.Lock()
	parents := []string{cgroupParent}
	cgroupMu.Unlock()
	for _, c := range v1Controllers {
		parents = append(parents, v1Parent(c))
	}
	for _, parent := range parents {
		if parent == "" {
			continue
		}
		pattern := filepath.Join(parent, "albatross-"+strconv.Itoa(pid)+"-*")
		if left, _ := filepath.Glob(pattern); len(left) == 0 {
			t.Errorf("the killed supervisor left no group in %s", parent)
		}
		removeStaleCgroups(parent)
		if left, _ := filepath.Glob(pattern); len(left) > 0 {
			t.Errorf("stale groups not removed: %q", left)
		}
	}
}

// TestBoundsTellsWhatHolds: what Bounds reports for serve's log is what a started environment
// gets, per limit: a cgroup v2 group with the controller, a v1 group, or neither.
func TestBoundsTellsWhatHolds(t *testing.T) {
	t.Parallel()
	pids, memory := Bounds()
	p := startHelperWith(t, "sleep", Limits{MemoryBytes: 256 << 20}, nil)
	for controller, said := range map[string]string{"pids": pids, "memory": memory} {
		got := "none"
		switch {
		case p.contain.cgroup != nil && p.contain.cgroup.has(controller):
			got = "cgroup-v2"
		case p.contain.v1.has(controller):
			got = "cgroup-v1"
		}
		if got != said {
			t.Errorf("Bounds says %s is bounded by %s; the environment has %s", controller, said, got)
		}
	}
}

// TestV1FailureDegradesSilently: where a v1 group cannot be made or bounded (here the
// hierarchy's folder is no cgroup, so its control files do not exist), the process starts all
// the same, without a v1 group, as on a host without v1. Not parallel: it swaps the v1 parents.
func TestV1FailureDegradesSilently(t *testing.T) {
	withoutCgroupV2(t)
	v1Parent("pids") // the real parents found, before the swap
	saved := v1Parents
	v1Parents = map[string]string{"pids": t.TempDir(), "memory": t.TempDir()}
	t.Cleanup(func() { v1Parents = saved })
	c := newCollector()
	p := startHelperWith(t, "sleep", Limits{MemoryBytes: 256 << 20}, c.output)
	if line := c.next(t); line != "stdout: ready" {
		t.Fatalf("got %q", line)
	}
	if p.contain.v1 != nil {
		t.Errorf("the process has v1 groups in folders that are no cgroups: %+v", p.contain.v1.groups)
	}
	for _, parent := range v1Parents {
		if left, _ := os.ReadDir(parent); len(left) > 0 {
			t.Errorf("left in %s: %v", parent, left)
		}
	}
}

// TestV1JoinFailureStartsWithoutGroups: a thread that cannot join a group (it vanished, or the
// kernel refused) starts the process without the groups, once, and removes them.
func TestV1JoinFailureStartsWithoutGroups(t *testing.T) {
	t.Parallel()
	notACgroup := filepath.Join(t.TempDir(), "albatross-1-1")
	if err := os.Mkdir(notACgroup, 0o755); err != nil {
		t.Fatal(err)
	}
	g := &v1Groups{groups: []v1Group{{controller: "pids", dir: notACgroup, home: filepath.Dir(notACgroup)}}}
	starts := 0
	if err := g.startIn(func() error { starts++; return nil }); err != nil || starts != 1 {
		t.Fatalf("startIn: %v after %d starts, want one start", err, starts)
	}
	if g.has("pids") {
		t.Error("the groups are kept after the thread could not join them")
	}
	if _, err := os.Stat(notACgroup); !os.IsNotExist(err) {
		t.Errorf("the group is left: %v", err)
	}
}
