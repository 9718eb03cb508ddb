package runtimes

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFamily(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, runtime, want string
	}{
		{desc: "provided.al2023", runtime: "provided.al2023", want: FamilyProvided},
		{desc: "provided.al2", runtime: "provided.al2", want: FamilyProvided},
		{desc: "provided", runtime: "provided", want: FamilyProvided},
		{desc: "nodejs18.x", runtime: "nodejs18.x", want: FamilyNodeJS},
		{desc: "nodejs22.x", runtime: "nodejs22.x", want: FamilyNodeJS},
		{desc: "python3.9", runtime: "python3.9", want: FamilyPython},
		{desc: "python3.13", runtime: "python3.13", want: FamilyPython},
		{desc: "retired go1.x", runtime: "go1.x", want: ""},
		{desc: "unknown node version", runtime: "nodejs16.x", want: ""},
		{desc: "java", runtime: "java21", want: ""},
		{desc: "empty", runtime: "", want: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Family(tc.runtime); got != tc.want {
				t.Errorf("Family(%q) = %q, want %q", tc.runtime, got, tc.want)
			}
		})
	}
	for _, r := range Supported() {
		if Family(r) == "" {
			t.Errorf("Supported() lists %q but Family does not know it", r)
		}
	}
}

// B.4: AWS_EXECUTION_ENV is AWS_Lambda_<runtime> for managed runtimes and absent for provided.
func TestExecutionEnv(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, runtime, want string
	}{
		{desc: "node", runtime: "nodejs20.x", want: "AWS_Lambda_nodejs20.x"},
		{desc: "python", runtime: "python3.12", want: "AWS_Lambda_python3.12"},
		{desc: "provided", runtime: "provided.al2023", want: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := ExecutionEnv(tc.runtime); got != tc.want {
				t.Errorf("ExecutionEnv(%q) = %q, want %q", tc.runtime, got, tc.want)
			}
		})
	}
}

func TestCommandProvided(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	exe := filepath.Join(dir, "exe")
	plain := filepath.Join(dir, "plain")
	dirBootstrap := filepath.Join(dir, "dir", "bootstrap")
	if err := os.MkdirAll(dirBootstrap, 0o755); err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{exe: 0o755, plain: 0o644} {
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path, "bootstrap"), []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	testCases := []struct {
		desc    string
		codeDir string
		wantErr string
	}{
		{desc: "executable bootstrap", codeDir: exe},
		{desc: "bootstrap not executable", codeDir: plain, wantErr: "not executable"},
		{desc: "no bootstrap", codeDir: dir, wantErr: "does not exist"},
		{desc: "bootstrap is a directory", codeDir: filepath.Dir(dirBootstrap), wantErr: "is not a regular file"},
		{desc: "missing code dir", codeDir: filepath.Join(dir, "nope"), wantErr: "does not exist"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			argv, err := Command("provided.al2023", "ignored", tc.codeDir, t.TempDir())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Command error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(argv) != 1 || argv[0] != filepath.Join(tc.codeDir, "bootstrap") {
				t.Fatalf("Command = %q, %v; want [%s/bootstrap]", argv, err, tc.codeDir)
			}
		})
	}
}

func TestCommandInterpreted(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	cache := t.TempDir()
	argv, err := Command("nodejs22.x", "index.handler", t.TempDir(), cache)
	if err != nil {
		t.Fatal(err)
	}
	if len(argv) != 3 || filepath.Base(argv[0]) != "node" || argv[2] != "index.handler" {
		t.Fatalf("Command = %q, want [node <bootstrap> index.handler]", argv)
	}
	want, _ := scripts.ReadFile("bootstrap/nodejs.mjs")
	if got, err := os.ReadFile(argv[1]); err != nil || string(got) != string(want) || !strings.HasPrefix(argv[1], cache) {
		t.Fatalf("bootstrap %s not installed intact in the cache dir: %v", argv[1], err)
	}
	again, err := Command("nodejs18.x", "other.handler", t.TempDir(), cache)
	if err != nil || again[1] != argv[1] {
		t.Errorf("second Command used bootstrap %q, want the installed %q (err %v)", again, argv[1], err)
	}
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, runtime, handler, wantErr string
		look                            lookFunc
	}{
		{desc: "unsupported runtime", runtime: "ruby3.3", handler: "x.y", look: exec.LookPath, wantErr: "unsupported runtime"},
		{desc: "node without handler", runtime: "nodejs20.x", look: exec.LookPath, wantErr: "handler is required"},
		{desc: "python without handler", runtime: "python3.12", look: exec.LookPath, wantErr: "handler is required"},
		{desc: "node not installed", runtime: "nodejs20.x", handler: "index.handler", look: notInstalled, wantErr: "needs node on PATH"},
		{desc: "python not installed", runtime: "python3.11", handler: "app.handler", look: notInstalled, wantErr: "needs python3.11 or python3 on PATH"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := command(tc.look, tc.runtime, tc.handler, t.TempDir(), t.TempDir())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Command error = %v, want it to contain %q", err, tc.wantErr)
			}
			if tc.desc == "unsupported runtime" && !errors.Is(err, ErrUnsupportedRuntime) {
				t.Errorf("error %v is not ErrUnsupportedRuntime", err)
			}
		})
	}
}

func notInstalled(name string) (string, error) {
	return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
}
