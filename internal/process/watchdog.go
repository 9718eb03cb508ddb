//go:build unix

package process

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
)

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
	cmd := exec.Command("/bin/sh", "-c", "read _; kill -KILL -"+strconv.Itoa(pgid))
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

// execWithShellLimits makes cmd start as /bin/sh, which lowers its own limits and then execs the
// real command under the same pid, so the limits hold from the command's first instruction.
// It is how limits are set where another process's cannot be (no prlimit on macOS).
func execWithShellLimits(cmd *exec.Cmd, l Limits) {
	if cmd.Err != nil {
		return
	}
	script := "ulimit -n " + strconv.Itoa(l.MaxOpenFiles) + " 2>/dev/null; ulimit -c 0; exec \"$0\" \"$@\""
	cmd.Args = append([]string{"/bin/sh", "-c", script, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = "/bin/sh"
}
