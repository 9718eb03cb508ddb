package process

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// cgroup is the cgroup v2 group of one process tree: every descendant stays in it whatever it
// does (setsid, double fork), so a stop reaches all of them, and the kernel enforces pids.max
// and memory.max on the tree as a whole.
type cgroup struct {
	dir string
	fd  int // open directory, for clone3's CLONE_INTO_CGROUP
}

var (
	cgroupParentOnce sync.Once
	cgroupMu         sync.Mutex
	cgroupParent     string // "" when cgroup v2 is not writable here, guarded by cgroupMu
	cgroupSeq        atomic.Uint64
)

// disableCgroups stops newCgroup from creating groups, after the kernel refused to start a
// process in one.
func disableCgroups() {
	cgroupParentOnce.Do(func() {})
	cgroupMu.Lock()
	cgroupParent = ""
	cgroupMu.Unlock()
}

// cgroupV2Parent is the directory under which environments' v2 groups are made, "" when none
// can be (found the first time, cleared by disableCgroups).
func cgroupV2Parent() string {
	cgroupParentOnce.Do(func() { cgroupParent = findCgroupParent() })
	cgroupMu.Lock()
	defer cgroupMu.Unlock()
	return cgroupParent
}

// newCgroup creates a cgroup for one process with the given limits, or returns nil when the
// machine offers no writable cgroup v2 (a container without delegation, cgroup v1 only). The
// limits a cgroup lacks the controller for are skipped; Limits documents the fallbacks.
func newCgroup(l Limits) *cgroup {
	parent := cgroupV2Parent()
	if parent == "" {
		return nil
	}
	dir := filepath.Join(parent, "albatross-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(cgroupSeq.Add(1), 10))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil
	}
	if l.MemoryBytes > 0 {
		_ = os.WriteFile(filepath.Join(dir, "memory.max"), []byte(strconv.FormatInt(l.MemoryBytes, 10)), 0)
		_ = os.WriteFile(filepath.Join(dir, "memory.swap.max"), []byte("0"), 0)
	}
	_ = os.WriteFile(filepath.Join(dir, "pids.max"), []byte(strconv.Itoa(l.MaxProcs)), 0)
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		_ = os.Remove(dir)
		return nil
	}
	return &cgroup{dir: dir, fd: fd}
}

// findCgroupParent is the directory under which albatross may create cgroups: its own cgroup v2
// group when that is writable, with the memory and pids controllers enabled for children when
// the kernel lets us (only possible where the group holds no processes of its own, i.e. at the
// root of the hierarchy or in a delegated, empty group).
func findCgroupParent() string {
	mount := cgroup2Mount()
	if mount == "" {
		return ""
	}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	var own string
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "0::"); ok {
			own = rest
		}
	}
	if own == "" {
		return ""
	}
	dir := filepath.Join(mount, own)
	if syscall.Access(dir, 2 /* W_OK */) != nil {
		return ""
	}
	_ = os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+pids +memory"), 0)
	removeStaleCgroups(dir)
	return dir
}

// removeStaleCgroups deletes the groups an albatross that was killed left behind. The kernel
// removes only empty groups, so one whose processes still run stays.
func removeStaleCgroups(parent string) {
	matches, _ := filepath.Glob(filepath.Join(parent, "albatross-*-*"))
	for _, m := range matches {
		pid, err := strconv.Atoi(strings.Split(filepath.Base(m), "-")[1])
		if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
			continue
		}
		_ = os.Remove(m)
	}
}

// cgroup2Mount finds where the unified (v2) hierarchy is mounted: /sys/fs/cgroup on modern
// systems, /sys/fs/cgroup/unified in hybrid mode.
func cgroup2Mount() string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional...] - fstype source superopts
		fields := strings.Fields(sc.Text())
		for i, f := range fields {
			if f == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" && len(fields) > 4 {
				return fields[4]
			}
		}
	}
	return ""
}

// pids lists the processes in the group.
func (c *cgroup) pids() []int { return readPIDs(filepath.Join(c.dir, "cgroup.procs")) }

// has reports whether the group has the controller (its "<controller>.max" file): only where
// albatross's own group enables it for its children.
func (c *cgroup) has(controller string) bool {
	_, err := os.Stat(filepath.Join(c.dir, controller+".max"))
	return err == nil
}

// readPIDs reads a cgroup.procs file.
func readPIDs(file string) []int {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// kill sends SIGKILL to every process in the group: cgroup.kill where the kernel has it (5.14),
// else each listed process, repeated while new ones appear (a fork racing the loop).
func (c *cgroup) kill() {
	if os.WriteFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"), 0) == nil {
		return
	}
	for range 10 {
		pids := c.pids()
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// remove deletes the group once its processes are gone; the kernel refuses while any remain, so
// it retries briefly after a kill.
func (c *cgroup) remove() {
	_ = syscall.Close(c.fd)
	for range 50 {
		err := os.Remove(c.dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
