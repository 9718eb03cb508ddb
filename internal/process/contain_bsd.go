//go:build unix && !linux

package process

import (
	"os/exec"
	"syscall"
)

// ru_maxrss is in bytes on macOS and the BSDs.
const maxRSSUnit = 1

// containment is what Start set up around a process on this platform: without prlimit for
// another process, the limits are set by a shell that then execs the runtime; without a
// parent-death signal, a watchdog kills the process group when albatross dies.
type containment struct {
	watchdog *watchdog
}

// prepare runs cmd through /bin/sh, which lowers its own limits and then execs the real command
// under the same pid, so the limits hold from the runtime's first instruction.
func prepare(cmd *exec.Cmd, l Limits, _ bool, user *User) containment {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if user != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: user.UID, Gid: user.GID, Groups: []uint32{}}
	}
	execWithShellLimits(cmd, l)
	return containment{}
}

func (c containment) usedCgroup() bool { return false }

func disableCgroups() {}

// Bounds says what bounds processes and memory: nothing here, there are no cgroups.
func Bounds() (pids, memory string) { return "none", "none" }

func (c containment) startProcess(start func() error) error { return start() }

func (c *containment) started(pid int, _ Limits) {
	c.watchdog = startWatchdog(pid)
}

// tree is the process tree as far as it can be walked: without /proc, the process alone.
func (c containment) tree(root int) []int { return descendants(root) }

func (c containment) killAll(root int, known []int) {
	_ = syscall.Kill(-root, syscall.SIGKILL)
	for _, pid := range known {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func (c containment) release() {
	if c.watchdog != nil {
		c.watchdog.stop()
	}
}

// withProcessLimit starts as is: the shell of execWithShellLimits would be the place for
// RLIMIT_NPROC, and macOS has no user-per-environment setup to make it meaningful.
func withProcessLimit(_ *User, _ int, start func() error) error { return start() }

// hideFromChildren does nothing here: macOS has no per-process setting that stops a process of
// the same user from reading albatross's arguments and environment (ps eww), so functions are
// trusted with them there (docs/security.md).
func hideFromChildren() {}
