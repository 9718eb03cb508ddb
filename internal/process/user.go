//go:build unix

package process

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// User is the unprivileged identity a function process runs as (docs/security.md "Functions
// run as their own users"). Only root can start a process as another user.
type User struct {
	UID, GID uint32
}

// UIDRange hands out a distinct uid per running execution environment, so that environments
// cannot read, signal or trace each other's processes, each gets its own RLIMIT_NPROC count,
// and every process of an environment can be found by its uid. The gid is the uid's number.
// Safe for concurrent use.
type UIDRange struct {
	first, count uint32

	mu   sync.Mutex
	used map[uint32]bool
	next uint32 // where the search for a free uid starts: uids are reused as late as possible
}

// NewUIDRange returns the range first..last (inclusive). It refuses uid 0 and a range that wraps.
func NewUIDRange(first, last uint32) (*UIDRange, error) {
	if first == 0 || last < first || last == 1<<32-1 {
		return nil, fmt.Errorf("uid range %d-%d: want 1 <= first <= last < 4294967295", first, last)
	}
	return &UIDRange{first: first, count: last - first + 1, used: map[uint32]bool{}}, nil
}

// ErrNoFreeUID is returned when every uid of the range runs an environment.
var ErrNoFreeUID = errors.New("process: every uid of the function uid range is in use")

// Acquire returns a uid no other environment holds.
func (r *UIDRange) Acquire() (User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.count {
		uid := r.first + (r.next+i)%r.count
		if !r.used[uid] {
			r.used[uid] = true
			r.next = (uid - r.first + 1) % r.count
			return User{UID: uid, GID: uid}, nil
		}
	}
	return User{}, ErrNoFreeUID
}

// Release gives u back, once every process that ran as u is gone.
func (r *UIDRange) Release(u User) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.used, u.UID)
}

// CheckReachable reports why u cannot read path (a code folder, a bootstrap), or nil: every
// folder above it must let u search it, and path itself must be readable (a folder also
// searchable). It reads the mode bits as the kernel would for a process with no supplementary
// groups; ACLs are not consulted.
func CheckReachable(u User, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	for _, d := range ancestors(dir) {
		if err := allowed(u, d, 1); err != nil {
			return err
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	want := uint32(4)
	if fi.IsDir() {
		want = 5
	}
	return allowed(u, path, want)
}

// ancestors lists dir and every folder above it, root first.
func ancestors(dir string) []string {
	var out []string
	for {
		out = append([]string{dir}, out...)
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

// allowed checks the rwx bits want (4 read, 1 search) of path for u.
func allowed(u User, path string, want uint32) error {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return &os.PathError{Op: "stat", Path: path, Err: err}
	}
	perm := uint32(st.Mode) & 0o7
	switch {
	case st.Uid == u.UID:
		perm = uint32(st.Mode) >> 6 & 0o7
	case st.Gid == u.GID:
		perm = uint32(st.Mode) >> 3 & 0o7
	}
	if perm&want != want {
		return fmt.Errorf("uid %d cannot %s %s (mode %04o, owner %d:%d)", u.UID, map[uint32]string{1: "search", 4: "read", 5: "open"}[want],
			path, st.Mode&0o7777, st.Uid, st.Gid)
	}
	return nil
}
