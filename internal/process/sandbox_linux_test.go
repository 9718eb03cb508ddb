package process

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/albatross-lb/albatross/internal/sandbox"
	"golang.org/x/sys/unix"
)

// mainThreadPdeathsig is the parent-death signal of the main thread, read during
// initialisation, which runs there: the setting is per thread, and only the main thread's is
// what Start set.
var mainThreadPdeathsig = func() int {
	var sig int
	_ = unix.Prctl(unix.PR_GET_PDEATHSIG, uintptr(unsafe.Pointer(&sig)), 0, 0, 0)
	return sig
}()

// reportConfinement is the helper "confined": what TestSandboxKeepsArgvEnvAndContainment checks
// of a process started through the launcher: its arguments, the containment Start set up, and a
// signal to albatross.
func reportConfinement() {
	fmt.Printf("args %q\n", os.Args[1:])
	fmt.Println("pdeathsig", mainThreadPdeathsig)
	fmt.Println("own group", syscall.Getpgrp() == os.Getpid())
	b, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "NoNewPrivs:") {
			fmt.Print(line)
		}
	}
	fmt.Println("signal albatross:", syscall.Kill(os.Getppid(), 0))
}

// dataDirLayout is a data dir as serve leaves it, with a credentials file and a scratch folder
// beside it, all in a fresh temporary folder.
type dataDirLayout struct {
	data, creds, scratch, code, otherCode, runtimeDir string
}

func newDataDirLayout(t *testing.T) dataDirLayout {
	t.Helper()
	base := t.TempDir()
	l := dataDirLayout{
		data:    filepath.Join(base, "data"),
		creds:   filepath.Join(base, "credentials"),
		scratch: filepath.Join(base, "scratch"),
	}
	l.code = filepath.Join(l.data, "functions", "spy", "c0de")
	l.otherCode = filepath.Join(l.data, "functions", "other", "0the")
	l.runtimeDir = filepath.Join(l.data, "cache", "runtimes", "r1")
	files := map[string]string{
		filepath.Join(l.data, "state", "state.json"):       `{"DB_PASSWORD":"hunter2"}`,
		filepath.Join(l.data, "stickiness.key"):            "0123456789abcdef0123456789abcdef",
		filepath.Join(l.data, "albatross.lock"):            "1",
		filepath.Join(l.code, "own.txt"):                   "own code",
		filepath.Join(l.otherCode, "app.py"):               "SECRET = 'other function'",
		filepath.Join(l.data, "cache", "build", "other"):   "another function's binary",
		filepath.Join(l.runtimeDir, "bootstrap.py"):        "",
		filepath.Join(l.data, "cache", "runtimes", "x.py"): "another runtime",
		l.creds:                                  "AKID:SECRET",
		filepath.Join(l.scratch, "existing.txt"): "scratch",
	}
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A link beside the data dir that leads into it: following it must not open the data dir.
	if err := os.Symlink(l.data, filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	return l
}

// hide turns the sandbox on for paths for the rest of the test, or skips where the kernel has no
// Landlock. Tests that call it must not run in parallel: the policy belongs to the process.
func hide(t *testing.T, paths ...string) (abi int) {
	t.Helper()
	abi, err := sandbox.HideFromFunctions(paths...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = sandbox.HideFromFunctions() })
	if abi == 0 {
		t.Skip("Landlock is not available here (kernel older than 5.13, or the LSM is not enabled): functions start unconfined")
	}
	return abi
}

// runToExit starts cfg, waits for its exit and returns its stdout lines.
func runToExit(t *testing.T, cfg Config) []string {
	t.Helper()
	c := newCollector()
	cfg.Output = c.output
	p, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exit := p.Exit()
	close(c.lines)
	var out []string
	for l := range c.lines {
		out = append(out, l)
	}
	if exit.Code != 0 {
		t.Fatalf("%v: %s; output %q", cfg.Command, exit, out)
	}
	return out
}

// probe is one thing a confined function tries, and whether it must work.
type probe struct {
	name    string // shell command, run with sh -c
	allowed bool
}

// TestSandboxHidesTheDataDir is issue 11's attack without --function-uids: a `provided`
// function (a shell bootstrap inside the data dir, as an API-made function's code is) started
// by Start tries to read the state file, the stickiness key, the credentials file, another
// function's code and a cached binary, to list and write into the data dir, and to go through a
// link that leads into it; every one is refused. Its own code, the scratch folder beside the
// data dir, /tmp and the system's files work as before.
func TestSandboxHidesTheDataDir(t *testing.T) {
	l := newDataDirLayout(t)
	tmp, err := os.MkdirTemp("", "albatross-sandbox-tmp-*") // made before the start, like /tmp's own folders
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	hide(t, l.data, l.creds)
	probes := []probe{
		{`cat "$DATA/state/state.json"`, false},
		{`cat "$DATA/stickiness.key"`, false},
		{`cat "$DATA/albatross.lock"`, false},
		{`cat "$CREDS"`, false},
		{`cat "$DATA/functions/other/0the/app.py"`, false},
		{`cat "$DATA/cache/build/other"`, false},
		{`cat "$DATA/cache/runtimes/x.py"`, false},
		{`cat "$LINK/state/state.json"`, false},
		{`ls "$DATA"`, false},
		{`ls "$DATA/functions"`, false},
		{`echo planted > "$DATA/planted"`, false},
		{`echo planted > "$DATA/cache/planted"`, false},
		{`rm "$DATA/stickiness.key"`, false},
		{`echo changed > own.txt`, false}, // the code folder is read-only, like Lambda's /var/task
		{`mv "$DATA/state" "$SCRATCH/stolen"`, false},
		{`cat own.txt`, true},
		{`ls .`, true},
		{`cat "$RUNTIME/bootstrap.py"`, true},
		{`cat /etc/passwd`, true},
		{`cat "$SCRATCH/existing.txt"`, true},
		{`echo new > "$SCRATCH/new.txt" && mkdir "$SCRATCH/d" && mv "$SCRATCH/new.txt" "$SCRATCH/d/"`, true},
		{`echo new > "$TMP/new.txt" && rm "$TMP/new.txt"`, true},
		{`echo x > /dev/null`, true},
	}
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for i, p := range probes {
		script.WriteString("if out=$( (" + p.name + ") 2>&1 >/dev/null); then echo \"" + string(rune('A'+i)) + " ok\"; else echo \"" + string(rune('A'+i)) + " refused $out\"; fi\n")
	}
	bootstrap := filepath.Join(l.code, "bootstrap")
	if err := os.WriteFile(bootstrap, []byte(script.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	out := runToExit(t, Config{Command: []string{bootstrap}, Dir: l.code, Env: []string{
		"PATH=/usr/bin:/bin", "DATA=" + l.data, "CREDS=" + l.creds, "SCRATCH=" + l.scratch, "TMP=" + tmp,
		"RUNTIME=" + l.runtimeDir, "LINK=" + filepath.Join(filepath.Dir(l.data), "link"), "LAMBDA_TASK_ROOT=" + l.code, "LAMBDA_RUNTIME_DIR=" + l.runtimeDir,
	}})
	checkProbes(t, probes, out)
	for _, f := range []string{"state/state.json", "stickiness.key"} {
		if _, err := os.Stat(filepath.Join(l.data, f)); err != nil {
			t.Errorf("the function removed %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(l.data, "planted")); err == nil {
		t.Error("the function planted a file in the data dir")
	}
}

// checkProbes matches the "<letter> ok" and "<letter> refused <stderr>" lines of the probes'
// script: a refusal must be the kernel's (permission denied or operation not permitted), not a
// missing file or a typo in the test.
func checkProbes(t *testing.T, probes []probe, out []string) {
	t.Helper()
	for i, p := range probes {
		prefix := "stdout: " + string(rune('A'+i)) + " "
		idx := slices.IndexFunc(out, func(l string) bool { return strings.HasPrefix(l, prefix) })
		if idx < 0 {
			t.Errorf("%s: no result in %q", p.name, out)
			continue
		}
		result := strings.TrimPrefix(out[idx], prefix)
		switch {
		case p.allowed && result != "ok":
			t.Errorf("%s: %s, want it to work", p.name, result)
		case !p.allowed && !strings.Contains(result, "Permission denied") && !strings.Contains(result, "Operation not permitted"):
			t.Errorf("%s: %s, want permission denied", p.name, result)
		}
	}
}

// TestSandboxRunsPython: a Python function laid out as API-made code with the runtime's
// bootstrap in the data dir's cache (the interpreter outside) runs under the sandbox, imports
// its handler module from its code folder, and cannot read the state file.
func TestSandboxRunsPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	l := newDataDirLayout(t)
	hide(t, l.data, l.creds)
	handler := "import json\ndef secrets(paths):\n    out = {}\n    for p in paths:\n        try:\n            open(p).read()\n            out[p] = 'read'\n        except OSError as e:\n            out[p] = e.strerror\n    return out\n"
	if err := os.WriteFile(filepath.Join(l.code, "app.py"), []byte(handler), 0o644); err != nil {
		t.Fatal(err)
	}
	bootstrap := filepath.Join(l.runtimeDir, "bootstrap.py")
	script := "import os, sys\nsys.path.insert(0, os.environ['LAMBDA_TASK_ROOT'])\nimport app\nfor k, v in sorted(app.secrets(os.environ['PROBE'].split(',')).items()):\n    print(k, v)\n"
	if err := os.WriteFile(bootstrap, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(l.data, "state", "state.json")
	out := runToExit(t, Config{Command: []string{python, "-B", bootstrap}, Dir: l.code,
		Env: []string{"PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=" + l.code, "PROBE=" + strings.Join([]string{state, l.creds, "/etc/passwd"}, ",")}})
	for _, want := range []string{"stdout: " + state + " Permission denied", "stdout: " + l.creds + " Permission denied", "stdout: /etc/passwd read"} {
		if !slices.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
}

// TestSandboxKeepsArgvEnvAndContainment: the launcher passes the program exactly its argv and
// environment (nothing of the launcher shows), and the exec keeps what Start set up on the pid:
// the parent-death signal, its own process group, descriptor and core limits, the OOM score,
// the cgroup, no inherited descriptors (the ruleset's included). no_new_privs is set, and where
// the kernel scopes signals (Landlock ABI 6), the function cannot signal albatross.
func TestSandboxKeepsArgvEnvAndContainment(t *testing.T) {
	abi := hide(t, newDataDirLayout(t).data)
	env := []string{"PROCESS_HELPER=env", "SPACES=a b  c", "EMPTY=", "LAMBDA_TASK_ROOT=" + t.TempDir()}
	out := runToExit(t, Config{Command: []string{os.Args[0]}, Dir: "/", Env: env})
	var got []string
	for _, l := range out {
		got = append(got, strings.TrimPrefix(l, "stdout: "))
	}
	if want := append(slices.Sorted(slices.Values(env)), "WD=/"); !slices.Equal(slices.Sorted(slices.Values(got[:len(got)-1])), want[:len(want)-1]) || got[len(got)-1] != "WD=/" {
		t.Errorf("environment %q, want exactly %q", got, want)
	}

	out = runToExit(t, Config{Command: []string{os.Args[0], "", "two words", "--x=/y", "-"}, Env: []string{"PROCESS_HELPER=confined"}})
	wants := []string{
		`stdout: args ["" "two words" "--x=/y" "-"]`,
		"stdout: pdeathsig 9",
		"stdout: own group true",
		"stdout: NoNewPrivs:\t1",
	}
	if abi >= 6 {
		wants = append(wants, "stdout: signal albatross: operation not permitted")
	}
	for _, want := range wants {
		if !slices.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}

	out = runToExit(t, Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=limits"}, Limits: Limits{MaxOpenFiles: 77}})
	for _, want := range []string{"stdout: oom_score_adj 1000"} {
		if !slices.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
	own, _ := os.ReadFile("/proc/self/cgroup")
	for _, l := range out {
		f := strings.Fields(strings.TrimPrefix(l, "stdout: "))
		switch {
		case len(f) >= 4 && f[0] == "Max" && f[1] == "open" && (f[3] != "77" || f[4] != "77"):
			t.Errorf("descriptor limit not applied: %s", l)
		case len(f) >= 4 && f[0] == "Max" && f[1] == "core" && (f[4] != "0" || f[5] != "0"):
			t.Errorf("core limit not applied: %s", l)
		case len(f) == 3 && f[0] == "fd" && (strings.Contains(f[2], "landlock") || f[2] == inheritedMarker || strings.HasPrefix(f[2], "pipe:")) && f[1] != "0" && f[1] != "1" && f[1] != "2":
			t.Errorf("inherited descriptor: %s", l)
		case strings.HasPrefix(f[0], "0::") && cgroupParent != "" && f[0] == strings.TrimSpace(string(own)):
			t.Errorf("the process stayed in albatross's cgroup: %s", l)
		}
	}
}

// TestSandboxSeesNewSiblings: a file beside the data dir made after an environment started is
// reachable by the next one (the ruleset is built again when a folder on the way changed), and
// the data dir stays closed to both.
func TestSandboxSeesNewSiblings(t *testing.T) {
	l := newDataDirLayout(t)
	hide(t, l.data)
	late := filepath.Join(filepath.Dir(l.data), "late.txt")
	script := filepath.Join(l.code, "bootstrap")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat \"$LATE\" 2>&1\ncat \"$STATE\" 2>&1\ntrue\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Command: []string{script}, Dir: l.code, Env: []string{"PATH=/usr/bin:/bin", "LATE=" + late, "STATE=" + filepath.Join(l.data, "state", "state.json")}}
	before := rulesetFDs()
	defer func() {
		// Rulesets not kept for reuse are closed after their start; at most this test's one is kept.
		if after := rulesetFDs(); after > before+1 {
			t.Errorf("%d ruleset descriptors open after the starts, %d before", after, before)
		}
	}()
	for i, want := range []string{"No such file or directory", "late content"} {
		if i == 1 {
			if err := os.WriteFile(late, []byte("late content\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := strings.Join(runToExit(t, cfg), "\n")
		if !strings.Contains(out, want) || !strings.Contains(out, "state.json: Permission denied") {
			t.Errorf("start %d: %q, want %q and the state refused", i+1, out, want)
		}
	}
}

// rulesetFDs counts this process's open Landlock rulesets.
func rulesetFDs() int {
	entries, _ := os.ReadDir("/proc/self/fd")
	n := 0
	for _, e := range entries {
		if target, _ := os.Readlink("/proc/self/fd/" + e.Name()); strings.Contains(target, "landlock-ruleset") {
			n++
		}
	}
	return n
}
