package build

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// SourceDirs returns the directories of the packages the Go main package in codeDir is built
// from, outside the standard library and the module cache: the code folder itself, the other
// packages of its module, locally replaced modules and go.work members. These are the folders
// whose edits change the binary, the ones the developer loop watches. It runs `go env` and
// `go list -deps` with the build's own flags, so build constraints apply as in Build.
func (b *Builder) SourceDirs(ctx context.Context, codeDir string) ([]string, error) {
	dir, err := filepath.Abs(codeDir)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("build %s: `build: go` needs the Go toolchain on PATH: %w", dir, err)
	}
	env, err := b.goEnv(ctx, goTool, dir)
	if err != nil {
		return nil, err
	}
	pkgs, err := b.listDeps(ctx, goTool, dir)
	if err != nil {
		return nil, err
	}
	modCache := env["GOMODCACHE"] + string(filepath.Separator)
	dirs := []string{dir}
	seen := map[string]bool{dir: true}
	for _, p := range pkgs {
		if p.Standard || p.Dir == "" || seen[p.Dir] || modCache != string(filepath.Separator) && strings.HasPrefix(p.Dir, modCache) {
			continue
		}
		seen[p.Dir] = true
		dirs = append(dirs, p.Dir)
	}
	return dirs, nil
}
