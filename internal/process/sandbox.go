//go:build unix

package process

import (
	"os/exec"
	"path/filepath"
	"strings"
)

// exposedPaths are the files and folders a process reads even where sandbox.HideFromFunctions
// hid their surroundings (API-made code and cached runtimes live in the data dir): its working
// directory, LAMBDA_TASK_ROOT and LAMBDA_RUNTIME_DIR, the program (already resolved by
// exec.Command), and every absolute path among its arguments (an interpreter's bootstrap
// script). The sandbox opens only those that lie inside what it hides, for reading and
// executing.
func exposedPaths(cmd *exec.Cmd) []string {
	paths := []string{cmd.Dir, cmd.Path}
	for _, kv := range cmd.Env {
		for _, key := range []string{"LAMBDA_TASK_ROOT=", "LAMBDA_RUNTIME_DIR="} {
			if v, ok := strings.CutPrefix(kv, key); ok {
				paths = append(paths, v)
			}
		}
	}
	for _, arg := range cmd.Args[1:] {
		if filepath.IsAbs(arg) {
			paths = append(paths, arg)
		}
	}
	return paths
}
