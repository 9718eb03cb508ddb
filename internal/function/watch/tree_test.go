package watch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTreeSeesEditorSaves: the ways editors save (write in place in several writes, write a
// temporary file and rename it over the original) and new folders with files inside are each
// reported; the tree keeps watching after each report.
func TestTreeSeesEditorSaves(t *testing.T) {
	dir := t.TempDir()
	handler := filepath.Join(dir, "handler.py")
	write(t, handler, "v1")
	tree, err := New([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	changes := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tree.Run(ctx, 20*time.Millisecond, func() { changes <- struct{}{} })
	}()
	defer func() { cancel(); <-done }()

	steps := []struct {
		desc string
		save func()
	}{
		{"several writes in place", func() {
			f, err := os.OpenFile(handler, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.WriteString("v2 part one ")
			_, _ = f.WriteString("part two")
			_ = f.Close()
		}},
		{"temporary file renamed over the original", func() {
			write(t, handler+".tmp", "v3")
			if err := os.Rename(handler+".tmp", handler); err != nil {
				t.Fatal(err)
			}
		}},
		{"new folder", func() {
			if err := os.Mkdir(filepath.Join(dir, "lib"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"file in the new folder", func() { write(t, filepath.Join(dir, "lib", "util.py"), "x = 1") }},
	}
	for _, step := range steps {
		drain(changes)
		step.save()
		select {
		case <-changes:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no change reported", step.desc)
		}
	}
}

// TestEditorScratch: files editors write beside the saved one are not changes.
func TestEditorScratch(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		".handler.py.swp": true, "4913": true, "handler.py~": true, ".#handler.py": true, "#handler.py#": true,
		"handler.py___jb_tmp___": true, "handler.py": false, "index.mjs": false, "main.go": false,
	} {
		if got := editorScratch(name); got != want {
			t.Errorf("editorScratch(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestNewRefusesMissingFolder: a code folder that does not exist is reported, not ignored.
func TestNewRefusesMissingFolder(t *testing.T) {
	t.Parallel()
	if _, err := New([]string{filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("New accepted a missing folder")
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func drain(c chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
