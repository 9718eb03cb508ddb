package values

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLookups: given keys answer, code paths are made absolute against the file's folder, and
// a missing key (or a nil file) says it is needed and not given.
func TestLookups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(p, []byte("values:\n  tfstate:net.vpc: vpc-1\ncode:\n  s3://b/k.zip: build/k.zip\ntargets:\n  i-0abc: 127.0.0.1:8080\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Value("tfstate:net.vpc"); err != nil || v != "vpc-1" {
		t.Errorf("Value = %v, %v", v, err)
	}
	if c, err := f.Code("s3://b/k.zip"); err != nil || c != filepath.Join(dir, "build/k.zip") {
		t.Errorf("Code = %v, %v", c, err)
	}
	if a, err := f.Target("i-0abc"); err != nil || a != "127.0.0.1:8080" {
		t.Errorf("Target = %v, %v", a, err)
	}
	var none *File
	for _, err := range []error{errOf(f.Value("nope")), errOf(none.Value("x")), errOf(none.Code("y")), errOf(none.Target("z"))} {
		if err == nil || !strings.HasPrefix(err.Error(), "needed and not given: ") {
			t.Errorf("got %v, want needed and not given", err)
		}
	}
	if err := os.WriteFile(p, []byte("valuez: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil {
		t.Error("an unknown top-level key was accepted")
	}
}

func errOf[T any](_ T, err error) error { return err }
