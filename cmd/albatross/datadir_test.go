package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenDataDir: a new data directory is private; one others can write or another user owns
// is refused; a locked one is refused with the holder's pid (docs/security.md).
func TestOpenDataDir(t *testing.T) {
	t.Parallel()
	t.Run("created 0700", func(t *testing.T) {
		t.Parallel()
		d, err := openDataDir(filepath.Join(t.TempDir(), "a", "data"))
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		if st, _ := os.Stat(d.path); st.Mode().Perm() != 0o700 {
			t.Errorf("mode %v; want 0700", st.Mode().Perm())
		}
	})
	for _, mode := range []os.FileMode{0o777, 0o770, 0o702} {
		t.Run("writable by others "+mode.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
			if _, err := openDataDir(dir); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
				t.Errorf("openDataDir: %v; want a refusal with the fix", err)
			}
		})
	}
	t.Run("owned by another user", func(t *testing.T) {
		t.Parallel()
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a directory to another user")
		}
		dir := t.TempDir()
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if _, err := openDataDir(dir); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
			t.Errorf("openDataDir: %v; want a refusal naming the owner", err)
		}
	})
	t.Run("locked", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		first, err := openDataDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = openDataDir(dir)
		if err == nil || !strings.Contains(err.Error(), "in use by another albatross serve (process ") {
			t.Errorf("second openDataDir: %v; want a refusal naming the holder", err)
		}
		first.close()
		again, err := openDataDir(dir)
		if err != nil {
			t.Fatalf("after the first closed: %v", err)
		}
		again.close()
	})
}
