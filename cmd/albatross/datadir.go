package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/albatross-lb/albatross/internal/function/codedir"
	"github.com/albatross-lb/albatross/internal/state"
)

// lockFile is the file in the data directory that `serve` holds an exclusive flock on.
const lockFile = "albatross.lock"

// dataDir is an open, checked and locked data directory.
type dataDir struct {
	path string
	lock *os.File
}

// openDataDir resolves dir (default: the user cache dir + /albatross), creates it with mode 0700,
// refuses it when another user owns it or others may write to it (they could plant a
// stickiness key, code or a build cache entry that albatross would then trust or run), and
// locks it so that a second `serve` on it exits instead of fighting over state.json
// (docs/security.md).
func openDataDir(dir string) (*dataDir, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "albatross")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	if err := checkDataDirOwner(dir); err != nil {
		return nil, err
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	return &dataDir{path: dir, lock: lock}, nil
}

// checkDataDirOwner refuses a directory owned by another user or writable by group or others.
func checkDataDirOwner(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--data-dir %s is not a directory", dir)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Geteuid() {
		return fmt.Errorf("--data-dir %s is owned by uid %d, not by this user (uid %d): refusing to trust its contents; use a directory of your own", dir, sys.Uid, os.Geteuid())
	}
	if st.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("--data-dir %s is writable by other users (mode %04o): refusing to trust its contents; run chmod go-w %s", dir, st.Mode().Perm(), dir)
	}
	return nil
}

// lockDataDir takes an exclusive, non-blocking flock on the directory's lock file and writes
// the process ID into it for the message another `serve` prints. The kernel drops the lock when
// the process dies, however it dies; the file descriptor is close-on-exec, so function processes
// never hold it.
func lockDataDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another process"
			if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
				holder = "process " + strings.TrimSpace(string(b))
			}
			return nil, fmt.Errorf("--data-dir %s is in use by another albatross serve (%s); stop it or give this one its own --data-dir", dir, holder)
		}
		return nil, fmt.Errorf("--data-dir: locking %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// close releases the lock.
func (d *dataDir) close() {
	_ = d.lock.Close()
}

// repairCode checks the code folder of every function made through the API before anything
// runs it, and unpacks a torn one again from its kept zip (codedir). A folder that cannot be
// repaired is logged; the function then fails its Init with the missing file, as it would
// have anyway.
func repairCode(store *state.Store, log *slog.Logger) {
	for _, fn := range store.Snapshot().Functions {
		if fn.Source != state.SourceAPI {
			continue
		}
		repaired, err := codedir.Repair(fn.Spec.Code)
		switch {
		case err != nil:
			log.Error("function code folder is damaged", "function", fn.Spec.FunctionName, "dir", fn.Spec.Code, "error", err)
		case repaired:
			log.Warn("function code folder was torn; unpacked it again", "function", fn.Spec.FunctionName, "dir", fn.Spec.Code)
		}
	}
}
