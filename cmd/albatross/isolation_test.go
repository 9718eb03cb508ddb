package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/process"
	"github.com/albatross-lb/albatross/internal/sandbox"
)

// TestSecretFiles: the files functions must not read are the @FILEs of the credentials flags
// (or of their variables, when the flag is not given) and etcd's client key; a literal secret
// names no file.
func TestSecretFiles(t *testing.T) {
	for _, tc := range []struct {
		name          string
		f             serveFlags
		apiEnv, stEnv string
		want          []string
	}{
		{name: "nothing"},
		{name: "literal credentials", f: serveFlags{apiCredentials: "ID:SECRET"}},
		{name: "@FILE flags and key", f: serveFlags{apiCredentials: "@/etc/albatross/api", cl: clusterFlags{storeCredentials: "@/etc/albatross/etcd", storeKey: "/etc/albatross/etcd.key"}},
			want: []string{"/etc/albatross/api", "/etc/albatross/etcd", "/etc/albatross/etcd.key"}},
		{name: "@FILE variables", apiEnv: "@/run/api", stEnv: "@/run/etcd", want: []string{"/run/api", "/run/etcd"}},
		{name: "a flag wins over its variable", f: serveFlags{apiCredentials: "ID:SECRET"}, apiEnv: "@/run/api"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(credentialsEnv, tc.apiEnv)
			t.Setenv(storeCredentialsEnv, tc.stEnv)
			if got := secretFiles(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("secretFiles = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestIsolateFunctionsSaysWhichWallHolds: serve's start-up line names the isolation that
// applies: landlock (where the kernel has it), uids, both, or none with a warning.
func TestIsolateFunctionsSaysWhichWallHolds(t *testing.T) {
	defer func() { _, _ = sandbox.HideFromFunctions() }()
	abi, _ := sandbox.HideFromFunctions(t.TempDir())
	for _, uids := range []bool{false, true} {
		var buf bytes.Buffer
		isolateFunctions(slog.New(slog.NewTextHandler(&buf, nil)), t.TempDir(), nil, uids)
		want := map[[2]bool]string{
			{true, false}: "level=INFO msg=\"function isolation\" isolation=landlock landlock_abi=",
			{true, true}:  "level=INFO msg=\"function isolation\" isolation=landlock+uids",
			{false, true}: "level=INFO msg=\"function isolation\" isolation=uids landlock_abi=0",
			{false, false}: "level=WARN msg=\"function isolation: none; functions can read the data dir (state, stickiness key) and credentials files: " +
				"this kernel offers no Landlock; give them users of their own with --function-uids\" isolation=none",
		}[[2]bool{abi > 0, uids}]
		if !strings.Contains(buf.String(), want) {
			t.Errorf("uids %v: %q, want %q", uids, buf.String(), want)
		}
		pids, memory := process.Bounds()
		if limits := " pids=" + pidsBound(pids, uids) + " memory=" + memory + "\n"; !strings.Contains(buf.String(), limits) {
			t.Errorf("uids %v: %q, want the line to end in the limits that hold, %q", uids, buf.String(), limits)
		}
	}
}

// TestPidsBound: with --function-uids, RLIMIT_NPROC bounds processes in addition to (or
// instead of) a cgroup.
func TestPidsBound(t *testing.T) {
	for _, tc := range []struct {
		cgroup string
		uids   bool
		want   string
	}{
		{"cgroup-v2", false, "cgroup-v2"},
		{"cgroup-v1", false, "cgroup-v1"},
		{"none", false, "none"},
		{"cgroup-v1", true, "cgroup-v1+uids"},
		{"none", true, "uids"},
	} {
		if got := pidsBound(tc.cgroup, tc.uids); got != tc.want {
			t.Errorf("pidsBound(%q, %v) = %q, want %q", tc.cgroup, tc.uids, got, tc.want)
		}
	}
}

func TestSharedFolderAbove(t *testing.T) {
	base := t.TempDir()
	shared := filepath.Join(base, "shared")
	private := filepath.Join(base, "private")
	for dir, mode := range map[string]os.FileMode{shared: 0o1777, private: 0o755} {
		if err := os.Mkdir(dir, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil { // past the umask
			t.Fatal(err)
		}
	}
	realShared, err := filepath.EvalSymlinks(shared)
	if err != nil {
		t.Fatal(err)
	}
	if got := sharedFolderAbove(filepath.Join(shared, "a", "data")); got != realShared {
		t.Errorf("below a world-writable folder: got %q, want %q", got, realShared)
	}
	// base itself may lie in /tmp: below a private folder, the answer is what lies above base.
	if got, want := sharedFolderAbove(filepath.Join(private, "data")), sharedFolderAbove(filepath.Join(base, "data")); got != want {
		t.Errorf("below a private folder: got %q, want %q", got, want)
	}
}
