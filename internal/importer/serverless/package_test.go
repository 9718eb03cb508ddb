package serverless

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// filesIn lists a code folder's files, slash-separated and sorted.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestPackagePatterns: functions run from exactly the files `sls package` would zip for them
// (TestRoutingMatchesServerlessPackage compares the same fixture with the zips Serverless
// writes): the default excludes, the service file, useDotenv's .env*, package.patterns in order,
// and a function packaged individually with its own patterns. The service folder is watched,
// as the package is a copy of it.
func TestPackagePatterns(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, "testdata/package")
	cache := t.TempDir()
	res, err := Load(dir, Options{CacheDir: cache, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pkg-dev-web":    "README.md docs/keep.md extra/data.json extra/scratch.tmp src/web.js src/worker.js",
		"pkg-dev-worker": "README.md docs/keep.md extra/data.json src/worker.js",
	}
	for _, f := range res.Config.Functions {
		if !strings.HasPrefix(f.Code, cache) {
			t.Errorf("%s runs from %s, not from a package built in the cache", f.FunctionName, f.Code)
			continue
		}
		if got := strings.Join(filesIn(t, f.Code), " "); got != want[f.FunctionName] {
			t.Errorf("%s package = %s\nwant %s", f.FunctionName, got, want[f.FunctionName])
		}
	}
	if !slices.Contains(res.Watch, filepath.Join(dir, "...")) {
		t.Errorf("watch = %v, want the service folder's tree %s/...", res.Watch, dir)
	}
	// An edit changes the package on the next load.
	if err := os.WriteFile(filepath.Join(dir, "src", "worker.js"), []byte("exports.handler = async () => ({})\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Load(dir, Options{CacheDir: cache, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range again.Config.Functions {
		if f.Code == res.Config.Functions[i].Code {
			t.Errorf("%s: the edited file did not give a new package", f.FunctionName)
		}
	}
}

// TestPackageWithoutPatternsRunsTheFolder: without include, exclude or patterns the function
// runs from the service folder itself (edits are live, nothing is copied); function-level
// patterns without individually are ignored with a warning, as Serverless does.
func TestPackageWithoutPatternsRunsTheFolder(t *testing.T) {
	t.Parallel()
	yml := strings.Replace(svc("", "1"), "  s3:\n    handler: handler.h\n", "  s3:\n    handler: handler.h\n    package:\n      patterns: ['!secret.txt']\n", 1)
	res, err := service(t, yml, Options{}, "secret.txt", "s")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Config.Functions {
		if filepath.Base(f.Code) == "" || !slices.Contains(filesIn(t, f.Code), "serverless.yml") {
			t.Errorf("%s runs from %s, want the service folder", f.FunctionName, f.Code)
		}
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "functions.s3.package patterns are ignored: they apply only when package.individually is true") {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

// TestPackageProblems: patterns that leave nothing are NO_MATCHED_FILES, as sls package reports
// them; a malformed glob and a non-number provisionedConcurrency are errors with positions.
func TestPackageProblems(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, pkg, want string
	}{
		{"nothing left", "package:\n  patterns: ['!**']\n", "No file matches include / exclude patterns (NO_MATCHED_FILES"},
		{"malformed glob", "package:\n  patterns: ['src/[a']\n", "invalid glob pattern src/[a"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := service(t, svc(tc.pkg, "1"), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	yml := strings.Replace(svc("", "1"), "  s3:\n    handler: handler.h\n", "  s3:\n    handler: handler.h\n    provisionedConcurrency: lots\n", 1)
	_, err := service(t, yml, Options{})
	if err == nil || !strings.Contains(err.Error(), "serverless.yml:17:29 functions.s3.provisionedConcurrency: must be a whole number of 0 or more") {
		t.Errorf("got %v", err)
	}
}

// TestProvisionedConcurrency: provisionedConcurrency becomes the function's pre-started
// environments (provisioned_concurrency), and its alb target names the "provisioned" alias, as
// Serverless compiles it; 0 makes no alias, as in Serverless.
func TestProvisionedConcurrency(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, "testdata/package")
	res, err := Load(dir, Options{CacheDir: t.TempDir(), Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Config.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, f := range res.Config.Functions {
		switch f.FunctionName {
		case "pkg-dev-web":
			if f.ProvisionedConcurrency != 2 || f.ReservedConcurrentExecutions == nil || *f.ReservedConcurrentExecutions != 5 {
				t.Errorf("web: provisioned %d, reserved %v; want 2 and 5", f.ProvisionedConcurrency, f.ReservedConcurrentExecutions)
			}
		default:
			if f.ProvisionedConcurrency != 0 {
				t.Errorf("%s: provisioned %d, want 0", f.FunctionName, f.ProvisionedConcurrency)
			}
		}
	}
	var targets []string
	for _, tg := range res.Config.TargetGroups {
		for _, tgt := range tg.Targets {
			targets = append(targets, tgt.ID)
		}
	}
	slices.Sort(targets)
	want := "arn:aws:lambda:eu-west-1:000000000000:function:pkg-dev-web:provisioned arn:aws:lambda:eu-west-1:000000000000:function:pkg-dev-worker"
	if got := strings.Join(targets, " "); got != want {
		t.Errorf("targets = %s\nwant %s", got, want)
	}
}

// FuzzMatchPatterns: no glob pattern or file name makes package selection panic; a pattern is
// reported as invalid, or leaves nothing (NO_MATCHED_FILES), or selects a subset of the files.
func FuzzMatchPatterns(f *testing.F) {
	f.Add("!**/*.test.js", "src/a.test.js")
	f.Add("{a,b}/[!c]*", "a/d")
	f.Add("[", "x")
	f.Add("**/", ".env")
	f.Add("\\", "a\\b")
	f.Fuzz(func(t *testing.T, pattern, file string) {
		files := []string{"serverless.yml", "src/a.js", file}
		got, err := matchPatterns(files, packageSpec{exclude: []string{pattern}, include: []string{"!" + pattern, pattern}})
		if err != nil {
			return
		}
		for _, g := range got {
			if !slices.Contains(files, g) {
				t.Fatalf("selected %q, not one of the files", g)
			}
		}
		if _, err := matchPatterns([]string{file}, packageSpec{include: []string{file}}); err != nil && !strings.Contains(err.Error(), "invalid glob") && !strings.Contains(err.Error(), "NO_MATCHED_FILES") {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
