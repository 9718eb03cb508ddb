package main

import (
	"archive/zip"
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/importer"
	"github.com/albatross-lb/albatross/internal/importer/values"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestImportGolden pins what `albatross import` prints for a Terraform root module (a for_each
// module, count and for_each resources, an alias-qualified lambda target) and for a describe
// bundle: each load balancer, listener, rule, target group, target and function commented with
// the resource instance or bundle entry it came from. The printed YAML must load as Albatross
// YAML into the very configuration the source gives.
func TestImportGolden(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	tests := []struct {
		name   string
		source func(t *testing.T) (path, valuesYAML string, placeholders map[string]string)
	}{
		{"terraform-shop", func(t *testing.T) (string, string, map[string]string) {
			dir := filepath.Join(t.TempDir(), "shop")
			copyTree(t, "../../internal/importer/terraform/testdata/shop", dir)
			zipFolder(t, filepath.Join(dir, "legacy"), filepath.Join(dir, "dist", "legacy.zip"))
			return dir, "targets:\n  aws_instance.web[0]: 127.0.0.1:9001\n  aws_instance.web[1]: 127.0.0.1:9002\n",
				map[string]string{dir: "MODULE"}
		}},
		{"bundle-web", func(t *testing.T) (string, string, map[string]string) {
			code := t.TempDir()
			if err := os.WriteFile(filepath.Join(code, "index.js"), []byte("exports.handler = async () => ({statusCode: 200})\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return "../../internal/importer/bundle/testdata/web.json",
				"targets:\n  i-0f76fade: 127.0.0.1:9001\n  i-0f76fadf: 127.0.0.1:9002\ncode:\n  api: " + code + "\n",
				map[string]string{code: "CODE"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, vals, placeholders := tt.source(t)
			tmp := t.TempDir()
			valuesPath := filepath.Join(tmp, "values.yaml")
			if err := os.WriteFile(valuesPath, []byte(vals), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(tmp, "albatross.yaml")
			var stdout, stderr bytes.Buffer
			if code := run([]string{"import", src, "--values", valuesPath, "-o", out}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			printed, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "import", tt.name+".golden.yaml"), normalise(printed, cache, placeholders))

			v, err := values.Load(valuesPath)
			if err != nil {
				t.Fatal(err)
			}
			want, err := importer.Load(src, importer.Options{Values: v})
			if err != nil {
				t.Fatal(err)
			}
			got, err := importer.Load(out, importer.Options{})
			if err != nil {
				t.Fatalf("the printed YAML does not load: %v", err)
			}
			if got.Format != importer.Albatross {
				t.Errorf("the printed YAML reads as %s", got.Format)
			}
			if !reflect.DeepEqual(got.Config, want.Config) {
				t.Errorf("the printed YAML loads into another configuration than its source:\n got %+v\nwant %+v", got.Config, want.Config)
			}
		})
	}
}

// zipHash is the content hash in an unpacked package's cache folder: it depends on how this
// Go version compresses the fixture's zip, which the golden file should not.
var zipHash = regexp.MustCompile(`/zip-[0-9a-f]+`)

// normalise replaces the test's temporary folders, which differ per run, with placeholders.
func normalise(data []byte, cache string, placeholders map[string]string) []byte {
	s := strings.ReplaceAll(string(data), cache, "CACHE")
	for dir, name := range placeholders {
		s = strings.ReplaceAll(s, dir, name)
	}
	return []byte(zipHash.ReplaceAllString(s, "/zip-HASH"))
}

func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

// copyTree copies a fixture folder, so that what the test builds in it stays out of the tree.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// zipFolder zips the files directly in dir into path, as a build step would.
func zipFolder(t *testing.T, dir, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
