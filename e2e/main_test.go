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
	warmed := make(chan error, 1)
	go func() { warmed <- warmFunctionBuilds() }()
	// Built as `make build` builds it, with the VCS stamp TestVersionStamp checks.
	build := exec.Command("go", "build", "-race", "-buildvcs=auto", "-o", binary, "../cmd/albatross")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building albatross:", err)
		os.Exit(1)
	}
	if err := <-warmed; err != nil {
		// Not fatal: the test whose function does not build says why.
		fmt.Fprintln(os.Stderr, "warming the build cache for Go functions:", err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// warmFunctionBuilds compiles the Go functions of testdata the way albatross builds a Go
// function (internal/function/build: cgo off, -trimpath, -tags=lambda.norpc, -buildvcs=false)
// and discards the result, so that the standard library and aws-lambda-go are in the build cache
// with those flags before any test starts. Otherwise the first tests to start a Go function (on
// CI's clean cache) all wait, inside their bounded waits for a port, for that one compile: over
// a minute on a loaded 2-core machine.
func warmFunctionBuilds() error {
	warm := exec.Command("go", "build", "-trimpath", "-tags=lambda.norpc", "-buildvcs=false", "./testdata/functions/...")
	warm.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := warm.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}
