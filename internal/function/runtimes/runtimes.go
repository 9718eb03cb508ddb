// Package runtimes says what to execute for a function's runtime: the function's own executable
// `bootstrap` for provided runtimes, or a local node / python3 interpreter running a small
// bootstrap program that Albatross ships (embedded) and that speaks the Lambda Runtime API
// (docs/spec.md B.1) on behalf of the handler.
package runtimes

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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
		return interpreterCommand(look, runtime, handler, cacheDir, nodeBootstrap, []string{"node"})
	case FamilyPython:
		// Prefer the interpreter of the exact version (python3.12) when installed. -B: like
		// Lambda's read-only /var/task, the code directory gets no __pycache__ folders.
		return interpreterCommand(look, runtime, handler, cacheDir, pythonBootstrap, []string{runtime, "python3"}, "-B")
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

func interpreterCommand(look lookFunc, runtime, handler, cacheDir string, script bootstrapScript, names []string, flags ...string) ([]string, error) {
	if handler == "" {
		return nil, fmt.Errorf("runtime %s: handler is required (%s)", runtime, script.handlerForm)
	}
	interpreter, err := firstRunnable(look, names)
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

// firstRunnable returns the first of names found on PATH that runs. Every name but the last is
// probed once per process: version managers such as pyenv put shims for every version on PATH
// that fail for versions not selected.
func firstRunnable(look lookFunc, names []string) (string, error) {
	for _, name := range names[:len(names)-1] {
		if path, err := look(name); err == nil && runs(path) {
			return path, nil
		}
	}
	return look(names[len(names)-1])
}

var probed sync.Map // interpreter path → bool: whether `path --version` succeeded

func runs(path string) bool {
	if ok, found := probed.Load(path); found {
		return ok.(bool)
	}
	ok := exec.Command(path, "--version").Run() == nil
	probed.Store(path, ok)
	return ok
}
