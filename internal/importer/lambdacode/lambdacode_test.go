package lambdacode

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name string
	mode os.FileMode
	data string
}

func makeZip(t *testing.T, entries ...entry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(e.mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUnzip: files land under a content-addressed folder with their executable bits (a
// bootstrap must stay runnable); unpacking the same package again reuses the folder.
func TestUnzip(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := makeZip(t, entry{"bootstrap", 0o755, "#!/bin/sh\n"}, entry{"lib/data.txt", 0o644, "data"})
	dir, err := Unzip(p, root)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap: %v, mode %v; want an executable file", err, st)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "lib", "data.txt")); err != nil || string(b) != "data" {
		t.Errorf("lib/data.txt = %q, %v", b, err)
	}
	again, err := Unzip(p, root)
	if err != nil || again != dir {
		t.Errorf("second unpack: %q, %v; want %q", again, err, dir)
	}
}

// TestUnzipRefusesEscapes: entries that would leave the folder are refused, nothing is written
// outside it, and no half-filled folder is left behind.
func TestUnzipRefusesEscapes(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"../evil", "a/../../evil", "/abs/evil"} {
		root := t.TempDir()
		_, err := Unzip(makeZip(t, entry{"ok", 0o644, "x"}, entry{name, 0o644, "x"}), root)
		if err == nil || !strings.Contains(err.Error(), "leaves the package") {
			t.Errorf("%s: got %v, want a refusal", name, err)
		}
		if left, _ := os.ReadDir(root); len(left) != 0 {
			t.Errorf("%s: left %v in the cache root", name, left)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(root), "evil")); err == nil {
			t.Errorf("%s: wrote outside the folder", name)
		}
	}
}

// TestBuild: the same files give the same folder, whatever their order; a name that leaves the
// folder is refused.
func TestBuild(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, err := Build([]File{{Name: "x.js", Mode: 0o644, Data: []byte("1")}, {Name: "y.js", Mode: 0o644, Data: []byte("2")}}, root)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build([]File{{Name: "y.js", Mode: 0o644, Data: []byte("2")}, {Name: "x.js", Mode: 0o644, Data: []byte("1")}}, root)
	if err != nil || a != b {
		t.Errorf("got %q and %q (%v), want one folder", a, b, err)
	}
	if _, err := Build([]File{{Name: "../x", Data: []byte("1")}}, root); err == nil {
		t.Error("a name leaving the folder was accepted")
	}
}

// TestFolder: a folder is used as it is; anything else must be a zip.
func TestFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if got, err := Folder(dir, t.TempDir()); err != nil || got != dir {
		t.Errorf("Folder(dir) = %q, %v", got, err)
	}
	notZip := filepath.Join(dir, "f.zip")
	if err := os.WriteFile(notZip, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Folder(notZip, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a zip package") {
		t.Errorf("got %v, want not a zip package", err)
	}
}

// TestSelect: only the named files are copied, with their executable bits; the folder is named
// by content, so the same selection is reused and a changed file gives a new folder; names
// leaving the folder are refused.
func TestSelect(t *testing.T) {
	t.Parallel()
	src, root := t.TempDir(), t.TempDir()
	for name, data := range map[string]string{"handler.js": "a", "lib/util.js": "b", "secret.txt": "c"} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"lib/util.js", "handler.js", "bootstrap", "handler.js"}
	dir, err := Select(src, names, root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if strings.Join(got, " ") != "bootstrap handler.js lib/util.js" {
		t.Errorf("files = %v", got)
	}
	if st, err := os.Stat(filepath.Join(dir, "bootstrap")); err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap lost its executable bit: %v", st)
	}
	if again, err := Select(src, names, root); err != nil || again != dir {
		t.Errorf("same selection: %s, %v; want %s", again, err, dir)
	}
	if err := os.WriteFile(filepath.Join(src, "handler.js"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := Select(src, names, root); err != nil || changed == dir {
		t.Errorf("changed file: %s, %v; want a new folder", changed, err)
	}
	if _, err := Select(src, []string{"../outside"}, root); err == nil {
		t.Error("a name leaving the folder was accepted")
	}
}
