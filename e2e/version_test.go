package e2e

import (
	"cmp"
	"debug/buildinfo"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// git runs git in the module (the e2e package's parent directory) and returns its trimmed output.
func git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = ".."
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// vcsSettings is the VCS part of the build information Go embedded in the binary under test.
func vcsSettings(t *testing.T) map[string]string {
	t.Helper()
	bi, err := buildinfo.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs") {
			settings[s.Key] = s.Value
		}
	}
	return settings
}

// TestVersionStamp: built from a clone the way `make build` builds it (-buildvcs=auto, which
// overrides a GOFLAGS=-buildvcs=false in the environment), `albatross version` names the commit
// checked out, its commit time and whether the tree had uncommitted changes (issue 22).
// Sequential, so that no parallel test writes into the tree between the build and git status.
func TestVersionStamp(t *testing.T) {
	gitDir, err := git("rev-parse", "--path-format=absolute", "--git-dir")
	if err != nil {
		t.Skipf("the module is not a git checkout here (git rev-parse: %v): there is nothing to stamp", err)
	}
	if common, _ := git("rev-parse", "--path-format=absolute", "--git-common-dir"); common != gitDir {
		t.Skipf("a linked git worktree (%s): Go stamps no VCS information there, it looks for a .git directory (golang/go#58218)", gitDir)
	}
	head, err := git("rev-parse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	unix, err := git("log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	seconds, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		t.Fatalf("git log %%ct: %q", unix)
	}
	status, err := git("status", "--porcelain")
	if err != nil {
		t.Fatal(err)
	}
	commitTime := time.Unix(seconds, 0).UTC().Format(time.RFC3339)
	modified := ""
	if status != "" {
		modified = " modified"
	}

	out, err := exec.Command(binary, "version").Output()
	if err != nil {
		t.Fatalf("albatross version: %v", err)
	}
	line := strings.TrimSpace(string(out))
	want := fmt.Sprintf(" revision %s (%s)%s %s", head, commitTime, modified, runtime.Version())
	if !strings.HasPrefix(line, "albatross v") || !strings.HasSuffix(line, want) {
		t.Errorf("albatross version printed\n  %q\nwant albatross v<module version>%s\n(git status --porcelain:\n%s)", line, want, status)
	}
}

// checkBuildReported: a running albatross names its build — the same revision the binary
// embeds — in its start-up log line and in the albatross_build_info gauge's labels.
func checkBuildReported(t *testing.T, logs string, build *dto.MetricFamily) {
	t.Helper()
	revision := vcsSettings(t)["vcs.revision"] // "" where Go stamped none: still reported, empty
	logged := " revision=" + cmp.Or(revision, `""`) + " "
	if !strings.Contains(logs, `msg="albatross starting"`) || !strings.Contains(logs, logged) {
		t.Errorf("start-up log line without revision=%q:\n%s", revision, logs)
	}
	if len(build.GetMetric()) != 1 {
		t.Fatalf("albatross_build_info: %v", build)
	}
	labels := map[string]string{}
	for _, l := range build.GetMetric()[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["revision"] != revision || labels["goversion"] != runtime.Version() || labels["version"] == "" {
		t.Errorf("albatross_build_info labels %v; want revision %q, goversion %q and a version", labels, revision, runtime.Version())
	}
}
