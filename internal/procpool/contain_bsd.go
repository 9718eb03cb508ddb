//go:build unix && !linux

package procpool

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
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
func prepare(cmd *exec.Cmd, l Limits) containment {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cmd.Err == nil {
		script := "ulimit -n " + strconv.Itoa(l.MaxOpenFiles) + " 2>/dev/null; ulimit -c 0; exec \"$0\" \"$@\""
		cmd.Args = append([]string{"/bin/sh", "-c", script, cmd.Path}, cmd.Args[1:]...)
		cmd.Path = "/bin/sh"
	}
	return containment{}
}

func (c *containment) started(pid int, _ Limits) {
	c.watchdog = startWatchdog(pid)
}

// tree is the process and the descendants Tree saw before (no /proc to walk here).
func (c containment) tree(root int) []int { return []int{root} }

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

// watchdog stands in for the parent-death signal: a shell blocked reading a pipe whose only
// writer is albatross. When albatross dies, however it dies, the kernel closes the pipe, read
// returns and the shell kills the function's process group.
type watchdog struct {
	cmd  *exec.Cmd
	pipe *os.File
	once sync.Once
}

func startWatchdog(pgid int) *watchdog {
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	cmd := exec.Command("/bin/sh", "-c", "read _; kill -KILL -- -"+strconv.Itoa(pgid))
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // not in the group it guards
	err = cmd.Start()
	_ = r.Close()
	if err != nil {
		_ = w.Close()
		return nil
	}
	return &watchdog{cmd: cmd, pipe: w}
}

// stop ends the watchdog before the group it guards is gone, so that it can never kill a
// recycled process group id.
func (d *watchdog) stop() {
	d.once.Do(func() {
		_ = d.cmd.Process.Kill()
		_ = d.cmd.Wait()
		_ = d.pipe.Close()
	})
}
