//go:build linux

package process

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLimitsApplied: a function process runs with Lambda's file descriptor quota (or the one
// configured), no core files, an OOM score that makes it die before albatross, and only its
// three standard descriptors: nothing albatross has open (state file, data dir lock, sockets)
// is inherited.
func TestLimitsApplied(t *testing.T) {
	t.Parallel()
	// A descriptor of our own, open across the start (as the state file or a listener would
	// be): it must not reach the child.
	secret, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer secret.Close()
	c := newCollector()
	p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=limits"}, Output: c.output,
		Limits: Limits{MaxOpenFiles: 77}})
	if err != nil {
		t.Fatal(err)
	}
	p.Exit()
	close(c.lines)
	var out []string
	for l := range c.lines {
		out = append(out, strings.TrimPrefix(l, "stdout: "))
	}
	want := map[string][]string{
		"Max open files":     {"77", "77"},
		"Max core file size": {"0", "0"},
	}
	for _, line := range out {
		for name, w := range want {
			if rest, ok := strings.CutPrefix(line, name); ok {
				f := strings.Fields(rest)
				if len(f) < 2 || f[0] != w[0] || f[1] != w[1] {
					t.Errorf("%s = %q; want soft %s hard %s", name, rest, w[0], w[1])
				}
				delete(want, name)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("limits not reported: %v in %q", want, out)
	}
	if !contains(out, "oom_score_adj 1000") {
		t.Errorf("oom_score_adj not 1000 in %q", out)
	}
	for _, l := range out {
		f := strings.Fields(l)
		if len(f) != 3 || f[0] != "fd" || f[1] == "0" || f[1] == "1" || f[1] == "2" {
			continue
		}
		if target := f[2]; target == os.Args[0] || target == inheritedMarker || strings.HasPrefix(target, "socket:") || strings.HasPrefix(target, "pipe:") {
			t.Errorf("inherited descriptor: %s", l)
		}
	}
}

// TestStopReachesSetsidChildren: a child that left the process group with setsid is still
// stopped with its environment, and so is a daemon whose parent exited (orphaned). Both are
// found through the environment's cgroup where cgroup v2 or v1 is writable, else through the
// descendants seen while their parents lived.
func TestStopReachesSetsidChildren(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"setsid", "daemon"} {
		// "daemon" prints the grandchild's pid: "stdout: " lines come from the whole tree.
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			c := newCollector()
			p := startHelper(t, mode, c.output)
			if mode == "daemon" && p.contain.cgroup == nil && p.contain.v1 == nil {
				t.Skip("without a writable cgroup (v2, or v1 pids), orphans are found only if a sample saw them before their parent exited")
			}
			child := readyChild(t, c)
			if !alive(child) {
				t.Fatalf("child %d not running", child)
			}
			p.Tree() // what MaxRSS does after every invocation
			p.Stop(100 * time.Millisecond)
			// SIGKILL is delivered asynchronously: give the kernel a moment before judging.
			for i := 0; i < 500 && alive(child); i++ {
				time.Sleep(10 * time.Millisecond)
			}
			if alive(child) {
				_ = syscall.Kill(child, syscall.SIGKILL)
				t.Fatalf("child %d outlived its environment", child)
			}
		})
	}
}

// TestFunctionDiesWithSupervisor: when the supervising process dies without stopping its
// function (SIGKILL, a crash), the function process dies too: the parent-death signal.
func TestFunctionDiesWithSupervisor(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"PROCESS_HELPER=supervisor"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var buf [32]byte
	n, _ := out.Read(buf[:])
	child, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || !alive(child) {
		t.Fatalf("no function process: %q", buf[:n])
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for alive(child) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(child) {
		_ = syscall.Kill(child, syscall.SIGKILL)
		t.Fatalf("function process %d outlived its supervisor", child)
	}
	staleCgroupsRemoved(t, cmd.Process.Pid)
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// TestWatchdogKillsGroupWhenSupervisorGoes: macOS has no parent-death signal; its stand-in is a
// watchdog shell that kills the function's process group once albatross's end of a pipe closes,
// which the kernel does when albatross dies. Closing that end here plays the death.
func TestWatchdogKillsGroupWhenSupervisorGoes(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p := startHelper(t, "sleep", c.output)
	c.next(t) // ready
	d := startWatchdog(p.PID())
	if d == nil {
		t.Fatal("watchdog did not start")
	}
	_ = d.pipe.Close()
	ex := p.Exit()
	if ex.Signal != syscall.SIGKILL || ex.Stopped {
		t.Errorf("function exit = %s (stopped %v); want killed by the watchdog", ex, ex.Stopped)
	}
	d.stop()
}

// TestShellLimits: macOS's way to limit a process it cannot prlimit, checked where /proc can
// show the result: the command runs under its own pid with the file and core limits set.
func TestShellLimits(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "arg one")
	cmd.Env = []string{"PROCESS_HELPER=limits"}
	execWithShellLimits(cmd, Limits{MaxOpenFiles: 55})
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Max open files            55                   55", "Max core file size        0                    0"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("limits lack %q:\n%s", want, out)
		}
	}
}

// requireBound skips the test unless a cgroup bounds p's environment for controller: its
// cgroup v2 group where albatross's group delegates the controller, else a cgroup v1 group where
// that hierarchy is mounted and writable (docs/security.md "Limits per environment").
func requireBound(t *testing.T, p *Process, controller string) {
	t.Helper()
	if (p.contain.cgroup != nil && p.contain.cgroup.has(controller)) || p.contain.v1.has(controller) {
		return
	}
	t.Skipf("no cgroup bounds %s here: no cgroup v2 group with the controller delegated, no writable cgroup v1 hierarchy of it", controller)
}

// TestMemoryBounded: a function that allocates past memory_size is killed by the kernel, as
// Lambda's OOM kill does, where the memory controller is available.
func TestMemoryBounded(t *testing.T) {
	t.Parallel()
	p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=alloc"}, Limits: Limits{MemoryBytes: 32 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	requireBound(t, p, "memory")
	if ex := p.Exit(); ex.Signal != syscall.SIGKILL {
		t.Errorf("allocating 64 MiB under a 32 MiB bound: exit %s; want signal: killed", ex)
	}
}

// TestProcessesBounded: a function cannot start more processes and threads than MaxProcs, where
// the pids controller is available.
func TestProcessesBounded(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=forks"}, Output: c.output, Limits: Limits{MaxProcs: 24}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	requireBound(t, p, "pids")
	for {
		line := c.next(t)
		if n, ok := strings.CutPrefix(line, "stdout: started "); ok {
			if started, _ := strconv.Atoi(n); started >= 24 {
				t.Errorf("started %d children under a bound of 24 processes and threads", started)
			}
			return
		}
	}
}

// TestSupervisorHiddenFromFunctions: once a function process has started, albatross is not
// dumpable, so a function of the same user cannot read albatross's /proc/<pid>/environ (where
// ALBATROSS_API_CREDENTIALS lives). Root bypasses the check, so the read is tried only when the
// tests do not run as root.
func TestSupervisorHiddenFromFunctions(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p := startHelper(t, "read-parent-environ", c.output)
	dumpable, _, _ := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_GET_DUMPABLE, 0, 0)
	if dumpable != 0 {
		t.Errorf("albatross is dumpable (%d) after starting a function", dumpable)
	}
	line := c.next(t)
	p.Exit()
	if os.Geteuid() == 0 {
		t.Skipf("running as root, which reads any process's environ (the function saw %q)", line)
	}
	if line == "stdout: read-parent-environ: <nil>" {
		t.Errorf("the function read albatross's environ")
	}
}

// TestCgroupRefusedFallsBack: when the kernel will not start a process in its cgroup, the
// process starts without one, and later ones do not try again. Not parallel: it swaps the
// package's cgroup parent for a directory that is no cgroup, so clone3 refuses it.
func TestCgroupRefusedFallsBack(t *testing.T) {
	cgroupParentOnce.Do(func() { cgroupParent = findCgroupParent() })
	cgroupMu.Lock()
	saved := cgroupParent
	cgroupParent = t.TempDir()
	cgroupMu.Unlock()
	defer func() {
		cgroupMu.Lock()
		cgroupParent = saved
		cgroupMu.Unlock()
	}()
	c := newCollector()
	p := startHelper(t, "sleep", c.output)
	if line := c.next(t); line != "stdout: ready" {
		t.Fatalf("got %q", line)
	}
	if p.contain.cgroup != nil {
		t.Error("the process runs in the refused cgroup")
	}
	cgroupMu.Lock()
	defer cgroupMu.Unlock()
	if cgroupParent != "" {
		t.Error("cgroups are still tried after the kernel refused one")
	}
}

// readyChild waits for the helper's child to print its pid and "ready" (from then on it ignores
// SIGTERM), and returns the pid.
func readyChild(t *testing.T, c *collector) int {
	t.Helper()
	child, ready := 0, false
	for child == 0 || !ready {
		line := strings.TrimPrefix(c.next(t), "stdout: ")
		ready = ready || line == "ready"
		if pid, err := strconv.Atoi(line); err == nil {
			child = pid
		}
	}
	return child
}
