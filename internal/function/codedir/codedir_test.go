package codedir

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name, body string
	mode       os.FileMode // 0: none recorded
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUnpackRefuses: entries that leave the folder, a function name that is a path, and a
// non-zip are refused and leave nothing outside the root.
func TestUnpackRefuses(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, function string
		zipped         []byte
		want           string
	}{
		{"entry climbing out", "f", zipOf(t, entry{name: "../evil", body: "x"}), "leaves the package"},
		{"absolute entry", "f", zipOf(t, entry{name: "/tmp/evil", body: "x"}), "leaves the package"},
		{"function name climbing out", "../evil", zipOf(t, entry{name: "bootstrap", body: "x"}), "cannot name a folder"},
		{"function name with a separator", "a/b", zipOf(t, entry{name: "bootstrap", body: "x"}), "cannot name a folder"},
		{"not a zip", "f", []byte("not a zip"), "Could not unzip"},
		{"duplicate entry", "f", zipOf(t, entry{name: "a", body: "1"}, entry{name: "a", body: "2"}), "appears twice"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			top := t.TempDir()
			_, err := Unpack(filepath.Join(top, "code"), tc.function, tc.zipped)
			var bad *InvalidError
			if !errors.As(err, &bad) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Unpack: %v; want an InvalidError about %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(top, "evil")); !errors.Is(err, os.ErrNotExist) {
				t.Error("a file was written outside the code root")
			}
		})
	}
}

// TestUnpackModes: entries keep their read and execute bits but lose group and world write,
// setuid and setgid; a bootstrap without recorded modes is executable.
func TestUnpackModes(t *testing.T) {
	t.Parallel()
	code, err := Unpack(t.TempDir(), "f", zipOf(t,
		entry{name: "bootstrap", body: "#!/bin/sh\n"},
		entry{name: "setuid", body: "x", mode: 0o4777 | os.ModeSetuid | os.ModeSetgid},
		entry{name: "lib/world-writable", body: "x", mode: 0o666},
		entry{name: "private", body: "x", mode: 0o600}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{"bootstrap": 0o755, "setuid": 0o755, "lib/world-writable": 0o644, "private": 0o644}
	for name, mode := range want {
		st, err := os.Stat(filepath.Join(code.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != mode {
			t.Errorf("%s: mode %v; want %v", name, st.Mode(), mode)
		}
	}
}

// TestTornFolderIsUnpackedAgain: a folder whose marker is missing, or whose files no longer
// match it (a crash mid-way on an older version, a file truncated or changed on disk), is
// recognised by Check and unpacked again, by Repair at start and by an upload of the same zip.
func TestTornFolderIsUnpackedAgain(t *testing.T) {
	t.Parallel()
	zipped := zipOf(t, entry{name: "bootstrap", body: "#!/bin/sh\necho hello\n"}, entry{name: "lib/data", body: strings.Repeat("d", 1000)})
	tear := map[string]func(dir string) error{
		"marker missing":  func(dir string) error { return os.Remove(dir + ".done") },
		"file truncated":  func(dir string) error { return os.Truncate(filepath.Join(dir, "lib/data"), 10) },
		"file missing":    func(dir string) error { return os.Remove(filepath.Join(dir, "bootstrap")) },
		"file added":      func(dir string) error { return os.WriteFile(filepath.Join(dir, "extra"), nil, 0o644) },
		"mode changed":    func(dir string) error { return os.Chmod(filepath.Join(dir, "bootstrap"), 0o644) },
		"folder replaced": func(dir string) error { return os.RemoveAll(dir) },
	}
	for desc, damage := range tear {
		for _, how := range []string{"Repair", "Unpack"} {
			t.Run(desc+" "+how, func(t *testing.T) {
				t.Parallel()
				root := t.TempDir()
				code, err := Unpack(root, "f", zipped)
				if err != nil {
					t.Fatal(err)
				}
				if err := Check(code.Dir); err != nil {
					t.Fatalf("fresh folder: %v", err)
				}
				if err := damage(code.Dir); err != nil {
					t.Fatal(err)
				}
				if Check(code.Dir) == nil {
					t.Fatal("Check passed a torn folder")
				}
				if how == "Repair" {
					if repaired, err := Repair(code.Dir); err != nil || !repaired {
						t.Fatalf("Repair: %v, %v; want repaired", repaired, err)
					}
				} else if _, err := Unpack(root, "f", zipped); err != nil {
					t.Fatal(err)
				}
				if err := Check(code.Dir); err != nil {
					t.Fatalf("after %s: %v", how, err)
				}
				if b, _ := os.ReadFile(filepath.Join(code.Dir, "lib/data")); len(b) != 1000 {
					t.Errorf("lib/data has %d bytes; want 1000", len(b))
				}
			})
		}
	}
}

// TestRepairLeavesForeignFolders: a folder named in the configuration file has no zip beside it
// and is not codedir's to change.
func TestRepairLeavesForeignFolders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if repaired, err := Repair(dir); repaired || err != nil {
		t.Errorf("Repair of a foreign folder: %v, %v; want nothing done", repaired, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bootstrap")); err != nil {
		t.Error(err)
	}
}

// TestRepairRefusesADamagedZip: when the kept zip is damaged too, Repair says so instead of
// unpacking something else.
func TestRepairRefusesADamagedZip(t *testing.T) {
	t.Parallel()
	code, err := Unpack(t.TempDir(), "f", zipOf(t, entry{name: "bootstrap", body: "x"}))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(code.Dir + ".done")
	if err := os.WriteFile(code.Dir+".zip", zipOf(t, entry{name: "bootstrap", body: "other"}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Repair(code.Dir); err == nil || !strings.Contains(err.Error(), "upload the code again") {
		t.Errorf("Repair: %v; want a refusal", err)
	}
}

// TestFolderModesForFunctionUsers: a function running as another uid can reach its code folder
// (its function folder searchable, the code folder readable) but not list the functions nor
// read the zip or marker beside the code; OpenToFunctionUsers gives folders made before the
// same modes.
func TestFolderModesForFunctionUsers(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "functions")
	code, err := Unpack(root, "f", zipOf(t, entry{name: "bootstrap", body: "#!/bin/sh\n"}))
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for path, want := range map[string]os.FileMode{
			root: 0o711, filepath.Dir(code.Dir): 0o711, code.Dir: 0o755, code.Dir + ".zip": 0o600, code.Dir + ".done": 0o600,
		} {
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != want {
				t.Errorf("%s: %s mode %04o, want %04o", when, path, st.Mode().Perm(), want)
			}
		}
	}
	check("after Unpack")
	for _, dir := range []string{root, filepath.Dir(code.Dir), code.Dir} {
		if err := os.Chmod(dir, 0o700); err != nil { // as an older albatross left them
			t.Fatal(err)
		}
	}
	if err := OpenToFunctionUsers(root); err != nil {
		t.Fatal(err)
	}
	check("after OpenToFunctionUsers")
	if err := Check(code.Dir); err != nil {
		t.Errorf("modes of folders are not part of the digest: %v", err)
	}
}
