package build

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// SourceDirs returns the directories of the packages the Go main package in codeDir is built
// from, outside the standard library and the module cache: the code folder itself, the other
// packages of its module, locally replaced modules and go.work members. These are the folders
// whose edits change the binary, the ones the developer loop watches. The list the latest
// Build of codeDir computed is returned as it is; otherwise `go env` and `go list -deps` run
// with the build's own flags, so build constraints apply as in Build.
func (b *Builder) SourceDirs(ctx context.Context, codeDir string) ([]string, error) {
	dir, err := filepath.Abs(codeDir)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	b.mu.Lock()
	known, ok := b.sources[dir]
	b.mu.Unlock()
	if ok {
		return slices.Clone(known), nil
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
	return b.noteSources(dir, env["GOMODCACHE"], pkgs), nil
}

// noteSources computes SourceDirs from a `go list -deps` result and keeps it for dir.
func (b *Builder) noteSources(dir, modCache string, pkgs []listedPackage) []string {
	modCache += string(filepath.Separator)
	dirs := []string{dir}
	seen := map[string]bool{dir: true}
	for _, p := range pkgs {
		if p.Standard || p.Dir == "" || seen[p.Dir] || modCache != string(filepath.Separator) && strings.HasPrefix(p.Dir, modCache) {
			continue
		}
		seen[p.Dir] = true
		dirs = append(dirs, p.Dir)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sources == nil {
		b.sources = map[string][]string{}
	}
	b.sources[dir] = dirs
	return slices.Clone(dirs)
}
