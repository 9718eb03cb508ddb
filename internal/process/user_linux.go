package process

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// nprocMu serialises starts under a User: RLIMIT_NPROC is a limit of the whole albatross
// process, lowered for the fork so that the child inherits it (see withProcessLimit).
var nprocMu sync.Mutex

// withProcessLimit runs start with albatross's RLIMIT_NPROC lowered to maxProcs, so that a
// child started as user inherits the limit before its first instruction: the kernel then lets
// the user's processes and threads (all of them the environment's, the uid being its own) reach
// maxProcs and fails the next fork with EAGAIN. That bounds a fork bomb without cgroups.
// albatross runs as root, which the limit does not bind, so its own forks meanwhile are
// unaffected. Without a user, start runs as is: RLIMIT_NPROC would count every process of
// albatross's user.
func withProcessLimit(user *User, maxProcs int, start func() error) error {
	if user == nil {
		return start()
	}
	nprocMu.Lock()
	defer nprocMu.Unlock()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(unix.RLIMIT_NPROC, &old); err != nil {
		return start()
	}
	lim := syscall.Rlimit{Cur: min(old.Cur, uint64(maxProcs)), Max: min(old.Max, uint64(maxProcs))}
	if err := syscall.Setrlimit(unix.RLIMIT_NPROC, &lim); err != nil {
		return err
	}
	defer func() { _ = syscall.Setrlimit(unix.RLIMIT_NPROC, &old) }()
	return start()
}

// killUser SIGKILLs every process of uid until none is left (they take a moment to die and to
// be reaped), for at most killUserWait.
func killUser(uid uint32) {
	deadline := time.Now().Add(killUserWait)
	for {
		pids := processesOf(uid)
		if len(pids) == 0 || time.Now().After(deadline) {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// killUserWait bounds killUser: a process stuck in the kernel (uninterruptible I/O) must not
// hold up the stop for ever; the uid is then handed out again with it still counted.
const killUserWait = 5 * time.Second

// processesOf lists every process whose real uid is uid: with a uid of its own, exactly the
// environment's processes, wherever they went.
func processesOf(uid uint32) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := strconv.FormatUint(uint64(uid), 10)
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
				if f := strings.Fields(rest); len(f) > 0 && f[0] == want {
					out = append(out, pid)
				}
				break
			}
		}
	}
	return out
}
