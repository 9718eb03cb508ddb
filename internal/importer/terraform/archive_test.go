package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// TestArchiveSources: a function whose filename is an archive_file's output_path runs the
// archive's content: source_dir as it is, or a folder built from source_file, source blocks
// or source_dir with excludes — never the zip Terraform would have written.
func TestArchiveSources(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": `
data "archive_file" "dir" {
  type        = "zip"
  source_dir  = "${path.module}/app"
  output_path = "${path.module}/build/dir.zip"
}
data "archive_file" "file" {
  type        = "zip"
  source_file = "app/index.js"
  output_path = "build/file.zip"
}
data "archive_file" "blocks" {
  type        = "zip"
  output_path = "build/blocks.zip"
  source {
    content  = "exports.handler = async () => ({ statusCode: 201 })"
    filename = "index.js"
  }
  source {
    content  = jsonencode({ stage = "test" })
    filename = "config.json"
  }
}
data "archive_file" "excludes" {
  type        = "zip"
  source_dir  = "app"
  excludes    = ["test", "*.md"]
  output_path = "build/excludes.zip"
}
locals {
  archives = {
    dir      = data.archive_file.dir.output_path
    file     = data.archive_file.file.output_path
    blocks   = data.archive_file.blocks.output_path
    excludes = "build/excludes.zip"
  }
}
resource "aws_lambda_function" "f" {
  for_each         = local.archives
  function_name    = each.key
  filename         = each.value
  source_code_hash = data.archive_file.blocks.output_base64sha256
  runtime          = "nodejs20.x"
  handler          = "index.handler"
}
`,
		"app/index.js":      "exports.handler = async () => ({ statusCode: 200 })",
		"app/README.md":     "docs",
		"app/test/unit.js":  "test",
		"app/lib/helper.js": "helper",
	})
	cfg, err := Load(dir, Options{CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]string{}
	for _, f := range cfg.Functions {
		code[f.FunctionName] = f.Code
	}
	if code["dir"] != filepath.Join(dir, "app") {
		t.Errorf("source_dir: code %q, want the folder itself", code["dir"])
	}
	for name, want := range map[string][]string{
		"file":     {"index.js"},
		"blocks":   {"config.json", "index.js"},
		"excludes": {"index.js", "lib"},
	} {
		entries, err := os.ReadDir(code[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if len(got) != len(want) || (len(got) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Errorf("%s: folder holds %v, want %v", name, got, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(code["blocks"], "config.json")); string(b) != `{"stage":"test"}` {
		t.Errorf("blocks config.json = %q", b)
	}
}
