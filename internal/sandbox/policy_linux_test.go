package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestNewPolicy: what is hidden is the real path (links resolved), once, without paths inside
// another hidden one, and without paths that do not exist; "/" cannot be hidden.
func TestNewPolicy(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	if err := os.MkdirAll(filepath.Join(data, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(base, "creds")
	if err := os.WriteFile(creds, []byte("a:b"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(data, filepath.Join(base, "data-link")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"a folder and a file", []string{creds, data}, []string{creds, data}},
		{"a link is hidden as its target", []string{filepath.Join(base, "data-link")}, []string{data}},
		{"the same path twice", []string{data, data + "/", filepath.Join(base, "data-link")}, []string{data}},
		{"a path inside another", []string{filepath.Join(data, "state"), data}, []string{data}},
		{"a missing path is skipped", []string{filepath.Join(base, "absent"), creds}, []string{creds}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newPolicy(tc.paths)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.hidden, tc.want) {
				t.Errorf("hidden %q, want %q", p.hidden, tc.want)
			}
		})
	}
	if _, err := newPolicy([]string{"/"}); err == nil {
		t.Error("hiding / was accepted")
	}
	if _, err := HideFromFunctions("/"); err == nil {
		t.Error("HideFromFunctions(/) was accepted")
	}
}

// TestWrapWithoutPolicyLeavesTheCommand: without a policy (none set, or turned off), Wrap
// changes nothing, and a missing program is reported by Wrap, as Start would, not left to a
// launcher.
func TestWrapWithoutPolicyLeavesTheCommand(t *testing.T) {
	if _, err := HideFromFunctions(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/true", "x")
	if _, err := Wrap(cmd, nil); err != nil {
		t.Fatal(err)
	}
	if cmd.Path != "/bin/true" || !slices.Equal(cmd.Args, []string{"/bin/true", "x"}) || len(cmd.ExtraFiles) != 0 {
		t.Errorf("command changed: %q %q %v", cmd.Path, cmd.Args, cmd.ExtraFiles)
	}
	abi, err := HideFromFunctions(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = HideFromFunctions() }()
	if abi == 0 {
		t.Skip("no Landlock here")
	}
	missing := exec.Command(filepath.Join(t.TempDir(), "bootstrap"))
	if _, err := Wrap(missing, nil); err == nil {
		t.Error("a missing program was wrapped")
	}
	cmd = exec.Command("/bin/true", "x")
	if _, err := Wrap(cmd, nil); err != nil {
		t.Fatal(err)
	}
	if cmd.Path != "/proc/self/exe" || cmd.Args[0] != "albatross-function-launcher" || !slices.Equal(cmd.Args[2:], []string{"/bin/true", "/bin/true", "x"}) || len(cmd.ExtraFiles) != 1 {
		t.Errorf("wrapped command: %q %q %v", cmd.Path, cmd.Args, cmd.ExtraFiles)
	}
}
