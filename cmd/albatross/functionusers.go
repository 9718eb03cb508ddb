package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/function/codedir"
)

// uidRange is the value of --function-uids: FIRST-LAST, both inclusive.
type uidRange struct{ first, last uint32 }

// functionUIDsFlag parses --function-uids. Each execution environment then runs as a uid of its
// own from the range (docs/security.md "Functions run as their own users").
func functionUIDsFlag(dst **uidRange) func(string) error {
	return func(s string) error {
		a, b, ok := strings.Cut(s, "-")
		first, err1 := strconv.ParseUint(a, 10, 32)
		last, err2 := strconv.ParseUint(b, 10, 32)
		if !ok || err1 != nil || err2 != nil || first == 0 || last < first || last == 1<<32-1 {
			return fmt.Errorf("want FIRST-LAST, uids with 1 <= FIRST <= LAST < 4294967295 (e.g. 1900000000-1900065535), got %q", s)
		}
		*dst = &uidRange{uint32(first), uint32(last)}
		return nil
	}
}

// prepareForFunctionUsers makes the data dir fit for function users: only root can start a
// process as another uid; the uids must reach their code (the data dir and the code folders
// become searchable but not listable, every folder above the data dir must be searchable by
// others already), and what albatross keeps private stays private (state/ 0700 and
// stickiness.key 0600 are so already; access-logs/ becomes 0700).
func prepareForFunctionUsers(dataDir string) error {
	if os.Geteuid() != 0 {
		return errors.New("--function-uids: only root can run functions as other users; run albatross as root or leave the flag out")
	}
	for dir := filepath.Dir(dataDir); ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("--function-uids: %w", err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("--function-uids: the function users cannot reach --data-dir %s: %s (mode %04o) is not searchable by other users; use a data dir below searchable folders, e.g. --data-dir /var/lib/albatross",
				dataDir, dir, st.Mode().Perm())
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	if err := os.Chmod(dataDir, 0o711); err != nil {
		return fmt.Errorf("--function-uids: %w", err)
	}
	logs := filepath.Join(dataDir, "access-logs")
	if err := os.MkdirAll(logs, 0o700); err != nil {
		return fmt.Errorf("--function-uids: %w", err)
	}
	if err := os.Chmod(logs, 0o700); err != nil {
		return fmt.Errorf("--function-uids: %w", err)
	}
	if err := codedir.OpenToFunctionUsers(filepath.Join(dataDir, "functions")); err != nil {
		return fmt.Errorf("--function-uids: %w", err)
	}
	return nil
}
