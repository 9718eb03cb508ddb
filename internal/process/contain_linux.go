package process

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"unsafe"
)

// oomScoreAdj makes function processes the kernel's first choice under memory pressure, so that
// a function that eats the machine's memory dies before the load balancer does.
const oomScoreAdj = 1000

// ru_maxrss is in kilobytes on Linux.
const maxRSSUnit = 1024

// containment is what Start set up around a process on this platform.
type containment struct {
	cgroup *cgroup   // nil without a writable cgroup v2
	v1     *v1Groups // groups of the v1 controllers the v2 group lacks, or nil
	user   *User     // the environment's own uid, or nil (albatross's own)
}

// prepare sets up cmd before it starts: its own process group, SIGKILL when albatross dies
// (the parent-death signal), and its own cgroup, entered atomically by clone3 so that not even
// the first instruction runs outside it, with cgroup v1 groups for the limits the v2 group
// cannot set (entered as atomically: see v1Groups and startProcess).
func prepare(cmd *exec.Cmd, l Limits, useCgroup bool, user *User) containment {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c := containment{user: user}
	if user != nil {
		// An empty Groups drops albatross's supplementary groups too.
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: user.UID, Gid: user.GID, Groups: []uint32{}}
	}
	if useCgroup {
		c.cgroup = newCgroup(l)
	}
	if c.cgroup != nil {
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = c.cgroup.fd
	}
	var missing []string
	for _, controller := range v1Controllers {
		if c.cgroup == nil || !c.cgroup.has(controller) {
			missing = append(missing, controller)
		}
	}
	c.v1 = newV1Groups(l, missing)
	return c
}

// startProcess runs start, the fork, so that the process is born in its v1 groups.
func (c containment) startProcess(start func() error) error { return c.v1.startIn(start) }

func (c containment) usedCgroup() bool { return c.cgroup != nil }

// started applies what can only be applied to a running process: resource limits (prlimit)
// and the OOM score. Both are inherited by every descendant. The process may run a few
// instructions before they apply; the runtime has barely begun loading by then.
func (c *containment) started(pid int, l Limits) {
	setLimit(pid, syscall.RLIMIT_NOFILE, uint64(l.MaxOpenFiles))
	setLimit(pid, syscall.RLIMIT_CORE, 0)
	_ = os.WriteFile("/proc/"+strconv.Itoa(pid)+"/oom_score_adj", []byte(strconv.Itoa(oomScoreAdj)), 0)
}

// setLimit lowers both the soft and the hard limit; a limit already lower stays.
func setLimit(pid, resource int, value uint64) {
	var old syscall.Rlimit
	if prlimit(pid, resource, nil, &old) != nil {
		return
	}
	lim := syscall.Rlimit{Cur: min(old.Cur, value), Max: min(old.Max, value)}
	_ = prlimit(pid, resource, &lim, nil)
}

func prlimit(pid, resource int, newLimit, old *syscall.Rlimit) error {
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(resource),
		uintptr(unsafe.Pointer(newLimit)), uintptr(unsafe.Pointer(old)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// tree lists every living process of the environment: the cgroup's members when there is one
// (exact), else the process's descendants by parentage.
func (c containment) tree(root int) []int {
	switch {
	case c.cgroup != nil:
		return c.cgroup.pids()
	case c.v1.active():
		return c.v1.members()
	case c.user != nil:
		return processesOf(c.user.UID)
	}
	return descendants(root)
}

// killAll SIGKILLs every process of the environment, wherever it went (setsid, double fork).
func (c containment) killAll(root int, known []int) {
	if c.user != nil {
		// Every process of the uid is the environment's, however it got away. Wait until they
		// are gone, so that the uid is free for the next environment when the exit is published.
		defer killUser(c.user.UID)
	}
	if c.cgroup != nil {
		c.cgroup.kill()
		return
	}
	if c.v1.active() {
		// Also the process group first: it costs nothing and takes most of them at once.
		_ = syscall.Kill(-root, syscall.SIGKILL)
		c.v1.kill()
		return
	}
	_ = syscall.Kill(-root, syscall.SIGKILL)
	for _, pid := range append(descendants(root), known...) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// release frees what prepare created, once every process is gone.
func (c containment) release() {
	if c.cgroup != nil {
		c.cgroup.remove()
	}
	c.v1.remove()
}

// hideFromChildren makes albatross non-dumpable. The kernel then gives its /proc/<pid> files to
// root and refuses ptrace, so a function of the same user can no longer read albatross's
// environment (ALBATROSS_API_CREDENTIALS), memory or open files. /proc/<pid>/cmdline stays
// readable, so credentials must not be passed as a flag value (use @FILE or the variable).
// Exec resets the flag, so function processes are unaffected. It also means albatross writes no
// core dump.
func hideFromChildren() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_DUMPABLE, 0, 0)
}
