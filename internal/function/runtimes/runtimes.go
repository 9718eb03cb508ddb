// Package runtimes says what to execute for a function's runtime: the function's own executable
// `bootstrap` for provided runtimes, or a local node / python3 interpreter running a small
// bootstrap program that Albatross ships (embedded) and that speaks the Lambda Runtime API
// (docs/spec.md B.1) on behalf of the handler.
package runtimes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Runtime families returned by Family.
const (
	FamilyProvided = "provided"
	FamilyNodeJS   = "nodejs"
	FamilyPython   = "python"
)

// supported lists the runtime identifiers Albatross runs, with their family.
var supported = map[string]string{
	"provided":        FamilyProvided,
	"provided.al2":    FamilyProvided,
	"provided.al2023": FamilyProvided,
	"nodejs18.x":      FamilyNodeJS,
	"nodejs20.x":      FamilyNodeJS,
	"nodejs22.x":      FamilyNodeJS,
	"python3.9":       FamilyPython,
	"python3.10":      FamilyPython,
	"python3.11":      FamilyPython,
	"python3.12":      FamilyPython,
	"python3.13":      FamilyPython,
}

// ErrUnsupportedRuntime is returned by Command for a runtime identifier Albatross does not run.
var ErrUnsupportedRuntime = errors.New("unsupported runtime")

// Family returns "provided", "nodejs" or "python" for a supported runtime identifier (as in
// Lambda's Runtime field, e.g. "nodejs20.x"), and "" for any other.
func Family(runtime string) string {
	return supported[runtime]
}

// Supported returns the runtime identifiers Albatross runs, for validation messages.
func Supported() []string {
	return []string{
		"provided.al2023", "provided.al2", "provided",
		"nodejs22.x", "nodejs20.x", "nodejs18.x",
		"python3.13", "python3.12", "python3.11", "python3.10", "python3.9",
	}
}

// ExecutionEnv returns the AWS_EXECUTION_ENV value Lambda sets for runtime
// ("AWS_Lambda_nodejs20.x"), or "" for provided runtimes, where Lambda leaves it unset (B.4).
// The Python bootstrap reads it (python3.12 writes JSON without ASCII escaping, as AWS does).
func ExecutionEnv(runtime string) string {
	switch Family(runtime) {
	case FamilyNodeJS, FamilyPython:
		return "AWS_Lambda_" + runtime
	}
	return ""
}

// Command returns the argv to execute for a function: for provided* runtimes
// <codeDir>/bootstrap, which must be an executable file; for nodejs* and python3* runtimes the
// interpreter found on PATH, the shipped bootstrap (written once into cacheDir) and the handler.
// The caller runs it with the code directory as working directory and the Lambda environment
// (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_* ...; B.4). Command
// is safe for concurrent use.
func Command(runtime, handler, codeDir, cacheDir string) ([]string, error) {
	return command(exec.LookPath, runtime, handler, codeDir, cacheDir)
}

// lookFunc finds an executable by name, as exec.LookPath does.
type lookFunc func(name string) (string, error)

func command(look lookFunc, runtime, handler, codeDir, cacheDir string) ([]string, error) {
	switch Family(runtime) {
	case FamilyProvided:
		return providedCommand(runtime, codeDir)
	case FamilyNodeJS:
		return interpreterCommand(look, runtime, handler, codeDir, cacheDir, nodeBootstrap, []string{"node"})
	case FamilyPython:
		// Prefer the interpreter of the exact version (python3.12) when installed. -B: like
		// Lambda's read-only /var/task, the code directory gets no __pycache__ folders; the
		// installation's own compiled standard library is still read.
		return interpreterCommand(look, runtime, handler, codeDir, cacheDir, pythonBootstrap, []string{runtime, "python3"}, "-B")
	}
	return nil, fmt.Errorf("runtime %q: %w (supported: %s)", runtime, ErrUnsupportedRuntime, strings.Join(Supported(), ", "))
}

func providedCommand(runtime, codeDir string) ([]string, error) {
	path, err := filepath.Abs(filepath.Join(codeDir, "bootstrap"))
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("runtime %s: %s does not exist; the code directory must hold an executable named bootstrap (or set build: go)", runtime, path)
	case err != nil:
		return nil, fmt.Errorf("runtime %s: %w", runtime, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("runtime %s: %s is not a regular file", runtime, path)
	case fi.Mode().Perm()&0o111 == 0:
		return nil, fmt.Errorf("runtime %s: %s is not executable (chmod +x it)", runtime, path)
	}
	return []string{path}, nil
}

func interpreterCommand(look lookFunc, runtime, handler, codeDir, cacheDir string, script bootstrapScript, names []string, flags ...string) ([]string, error) {
	if handler == "" {
		return nil, fmt.Errorf("runtime %s: handler is required (%s)", runtime, script.handlerForm)
	}
	interpreter, err := firstRunnable(look, Family(runtime), codeDir, names)
	if err != nil {
		return nil, fmt.Errorf("runtime %s needs %s on PATH: %w", runtime, strings.Join(names, " or "), err)
	}
	path, err := script.install(cacheDir)
	if err != nil {
		return nil, fmt.Errorf("runtime %s: %w", runtime, err)
	}
	argv := append([]string{interpreter}, flags...)
	return append(argv, path, handler), nil
}

// firstRunnable returns the interpreter to execute: the first of names found on PATH that runs,
// resolved to the executable it really is (resolve). Every name but the last is skipped when it
// does not run: version managers such as pyenv put shims for every version on PATH that fail for
// versions not selected. The last is used even when its probe fails, so that the failure shows
// as the function's init error.
func firstRunnable(look lookFunc, family, dir string, names []string) (string, error) {
	for _, name := range names[:len(names)-1] {
		if path, err := look(name); err == nil {
			if real, ok := resolve(path, family, dir); ok {
				return real, nil
			}
		}
	}
	path, err := look(names[len(names)-1])
	if err != nil {
		return "", err
	}
	if real, ok := resolve(path, family, dir); ok {
		return real, nil
	}
	return path, nil
}

// selfPath asks each interpreter family for the executable that is running.
var selfPath = map[string][]string{
	FamilyPython: {"-c", "import sys; print(sys.executable)"},
	FamilyNodeJS: {"-p", "process.execPath"},
}

// probeTimeout bounds one probe; a shim that hangs must not hang a reload.
const probeTimeout = 15 * time.Second

type probeKey struct{ path, dir string }

type probeResult struct {
	real string
	ok   bool
}

var probed sync.Map // probeKey → probeResult

// resolve runs the interpreter at path once per process and code directory and returns the
// executable it reports for itself, and whether it ran. Version-manager shims (pyenv, asdf,
// nodenv) are scripts that choose a version and then exec the real interpreter, which costs every
// start of an environment a shell and the manager's own start-up (0.3 s for pyenv's python3 here,
// against 0.08 s for the interpreter itself); running what the shim resolves to skips that. The
// probe runs in the code directory, where the shim's choice (a .python-version file) is made. A
// version chosen by a file changed later is seen after Albatross restarts.
func resolve(path, family, dir string) (string, bool) {
	key := probeKey{path, dir}
	if r, found := probed.Load(key); found {
		return r.(probeResult).real, r.(probeResult).ok
	}
	r := probe(path, family, dir)
	probed.Store(key, r)
	return r.real, r.ok
}

func probe(path, family, dir string) probeResult {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	args, ok := selfPath[family]
	if !ok {
		args = []string{"--version"}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		cmd.Dir = dir
	}
	out, err := cmd.Output()
	if err != nil {
		return probeResult{}
	}
	real := strings.TrimSpace(string(out))
	if !filepath.IsAbs(real) || !isExecutable(real) {
		return probeResult{real: path, ok: true} // it runs but cannot say where it is: keep the name
	}
	return probeResult{real: real, ok: true}
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
