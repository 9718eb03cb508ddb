//go:build unix

package process

// Lambda's per-environment quotas (B.3): 1,024 processes or threads and 1,024 file descriptors.
const (
	DefaultMaxProcs     = 1024
	DefaultMaxOpenFiles = 1024
)

// Limits bound one process tree, where the platform offers a way (docs/security.md lists which
// limit holds where). Zero values mean the defaults.
type Limits struct {
	// MaxOpenFiles is RLIMIT_NOFILE; 0 means DefaultMaxOpenFiles.
	MaxOpenFiles int
	// MaxProcs bounds processes and threads: pids.max of the process's own cgroup, v2 where
	// albatross's v2 group enables the pids controller, else v1 where that hierarchy is
	// writable; 0 means DefaultMaxProcs. RLIMIT_NPROC is not used: it counts every process of
	// the user, not of the tree, and would fail a function on a busy desktop.
	MaxProcs int
	// MemoryBytes is the memory bound of the process's own cgroup (memory.max in v2, else
	// memory.limit_in_bytes in v1, swap excluded either way) where a cgroup offers the memory
	// controller; 0 leaves memory unbounded.
	MemoryBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxOpenFiles <= 0 {
		l.MaxOpenFiles = DefaultMaxOpenFiles
	}
	if l.MaxProcs <= 0 {
		l.MaxProcs = DefaultMaxProcs
	}
	return l
}
