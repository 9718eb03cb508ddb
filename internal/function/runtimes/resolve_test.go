package runtimes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// writeScript writes an executable shell script standing in for an interpreter or a shim.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCommandResolvesShims checks that the command runs the interpreter a version manager's shim
// resolves to, chosen as the shim would choose it from the code directory, and not the shim.
func TestCommandResolvesShims(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	realA := writeScript(t, bin, "python-a", "exit 0")
	realB := writeScript(t, bin, "python-b", "exit 0")
	// Like pyenv's shim: the version comes from .python-version in the working directory.
	shim := writeScript(t, bin, "python3", `exec echo "`+bin+`/python-$(cat .python-version)"`)
	broken := writeScript(t, bin, "python3.12", `echo "pyenv: python3.12: command not found" >&2; exit 127`)
	mute := writeScript(t, bin, "node", "echo not-a-path")
	look := func(name string) (string, error) {
		switch name {
		case "python3":
			return shim, nil
		case "python3.12":
			return broken, nil
		case "node":
			return mute, nil
		}
		return notInstalled(name)
	}
	codeDir := func(version string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".python-version"), []byte(version), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	testCases := []struct {
		desc, runtime, codeDir, want string
	}{
		{desc: "the shim's choice for one code directory", runtime: "python3.11", codeDir: codeDir("a"), want: realA},
		{desc: "another directory, another choice", runtime: "python3.11", codeDir: codeDir("b"), want: realB},
		{desc: "a failing exact-version shim falls back to python3, resolved", runtime: "python3.12", codeDir: codeDir("b"), want: realB},
		{desc: "an interpreter that names no executable keeps its path", runtime: "nodejs20.x", codeDir: t.TempDir(), want: mute},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			argv, err := command(look, tc.runtime, "app.handler", tc.codeDir, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if argv[0] != tc.want {
				t.Errorf("interpreter = %s, want %s", argv[0], tc.want)
			}
		})
	}
}

// TestCommandRunsTheRealPython checks, with the python3 installed here (often a pyenv shim), that
// the command names the interpreter itself and not a script in front of it.
func TestCommandRunsTheRealPython(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	argv, err := Command("python3.11", "app.handler", t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 2)
	f, err := os.Open(argv[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(head); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(head, []byte("#!")) {
		t.Errorf("interpreter %s is a script (a version manager's shim), not the interpreter", argv[0])
	}
}
