// Package e2e starts the real albatross binary with real backends and real functions on
// 127.0.0.1 ports chosen by the OS, and checks what clients see.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the albatross executable built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "albatross-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "albatross")
	// Built as `make build` builds it, with the VCS stamp TestVersionStamp checks.
	build := exec.Command("go", "build", "-race", "-buildvcs=auto", "-o", binary, "../cmd/albatross")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building albatross:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
