package process

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestUIDRange: each Acquire gets a uid no one else holds, uids are reused only after Release,
// and a full range fails with ErrNoFreeUID.
func TestUIDRange(t *testing.T) {
	r, err := NewUIDRange(5000, 5002)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint32
	for range 3 {
		u, err := r.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		if u.GID != u.UID {
			t.Errorf("gid %d, want the uid's number %d", u.GID, u.UID)
		}
		got = append(got, u.UID)
	}
	if got[0] != 5000 || got[1] != 5001 || got[2] != 5002 {
		t.Errorf("acquired %v, want 5000..5002", got)
	}
	if _, err := r.Acquire(); !errors.Is(err, ErrNoFreeUID) {
		t.Errorf("a full range: %v, want ErrNoFreeUID", err)
	}
	r.Release(User{UID: 5001, GID: 5001})
	if u, err := r.Acquire(); err != nil || u.UID != 5001 {
		t.Errorf("after Release(5001): %v %v", u, err)
	}
	for _, bad := range [][2]uint32{{0, 10}, {10, 9}, {10, 1<<32 - 1}} {
		if _, err := NewUIDRange(bad[0], bad[1]); err == nil {
			t.Errorf("NewUIDRange(%d, %d) accepted", bad[0], bad[1])
		}
	}
}

// TestCheckReachable: a uid must be able to search every folder above a path and read the path.
func TestCheckReachable(t *testing.T) {
	u := User{UID: 1_900_100_500, GID: 1_900_100_500}
	open, err := os.MkdirTemp("", "albatross-reach-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(open) })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Chmod(open, 0o711))
	must(os.Mkdir(filepath.Join(open, "code"), 0o755))
	must(os.WriteFile(filepath.Join(open, "code", "bootstrap"), nil, 0o755))
	must(os.WriteFile(filepath.Join(open, "code", "private"), nil, 0o600))
	must(os.Mkdir(filepath.Join(open, "closed"), 0o700))
	must(os.Mkdir(filepath.Join(open, "closed", "code"), 0o755))
	if os.Geteuid() == 0 {
		// Owned by the uid, a 0700 folder is the uid's own.
		must(os.Mkdir(filepath.Join(open, "own"), 0o700))
		must(os.Chown(filepath.Join(open, "own"), int(u.UID), int(u.GID)))
		if err := CheckReachable(u, filepath.Join(open, "own")); err != nil {
			t.Errorf("own folder: %v", err)
		}
	}
	for path, ok := range map[string]bool{
		filepath.Join(open, "code"):              true,
		filepath.Join(open, "code", "bootstrap"): true,
		filepath.Join(open, "code", "private"):   false,
		filepath.Join(open, "closed", "code"):    false,
	} {
		if err := CheckReachable(u, path); (err == nil) != ok {
			t.Errorf("CheckReachable(%s) = %v, want reachable %v", path, err, ok)
		}
	}
}
