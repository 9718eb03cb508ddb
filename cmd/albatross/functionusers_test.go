package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFunctionUIDsFlag: a range parses; anything else is refused with the expected form.
func TestFunctionUIDsFlag(t *testing.T) {
	var r *uidRange
	if err := functionUIDsFlag(&r)("1900000000-1900065535"); err != nil || *r != (uidRange{1900000000, 1900065535}) {
		t.Errorf("a valid range: %v %v", r, err)
	}
	for _, bad := range []string{"", "5", "0-10", "10-9", "a-b", "1-4294967295", "-5", "5-"} {
		if err := functionUIDsFlag(&r)(bad); err == nil || !strings.Contains(err.Error(), "FIRST-LAST") {
			t.Errorf("%q: %v, want refused", bad, err)
		}
	}
}

// TestPrepareForFunctionUsers: a data dir below a private folder is refused naming that folder;
// a reachable one becomes searchable only (0711), with private access logs (0700).
func TestPrepareForFunctionUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		if err := prepareForFunctionUsers(t.TempDir()); err == nil || !strings.Contains(err.Error(), "only root") {
			t.Errorf("not root: %v, want refused", err)
		}
		return
	}
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(private, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := prepareForFunctionUsers(filepath.Join(private, "data")); err == nil || !strings.Contains(err.Error(), private+" (mode 0700) is not searchable") {
		t.Errorf("below a private folder: %v, want refused naming %s", err, private)
	}
	base, err := os.MkdirTemp("", "albatross-prepare-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := prepareForFunctionUsers(data); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{data: 0o711, filepath.Join(data, "access-logs"): 0o700, filepath.Join(data, "functions"): 0o711} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", path, st.Mode().Perm(), want)
		}
	}
}
