package cloudformation

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for name, body := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestUnzipOnceAndSafely(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	good := filepath.Join(dir, "good.zip")
	writeZip(t, good, map[string]string{"index.js": "exports.h = 1", "lib/util.js": "x"})
	out, err := unzipCached(good, cache)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(out, "lib", "util.js")); err != nil || string(data) != "x" {
		t.Fatalf("unpacked: %q %v", data, err)
	}
	again, err := unzipCached(good, cache)
	if err != nil || again != out {
		t.Fatalf("the same zip is unpacked once: %s %s %v", out, again, err)
	}
	evil := filepath.Join(dir, "evil.zip")
	writeZip(t, evil, map[string]string{"../../escape.js": "x"})
	if _, err := unzipCached(evil, cache); err == nil || !strings.Contains(err.Error(), "leaves the folder") {
		t.Fatalf("zip slip: %v", err)
	}
	notZip := filepath.Join(dir, "code.jar")
	if err := os.WriteFile(notZip, []byte("plain"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := unzipCached(notZip, cache); err == nil || !strings.Contains(err.Error(), "not a zip file") {
		t.Fatalf("not a zip: %v", err)
	}
}
