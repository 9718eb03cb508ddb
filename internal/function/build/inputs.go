package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// keyVersion changes when the meaning of the cache key changes, so old entries are not reused.
const keyVersion = "albatross-go-build-v1"

// toolchainKeys are the `go env` settings that change the produced binary besides the sources.
var toolchainKeys = []string{"GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOARM", "GO386", "GOWORK", "GOMODCACHE"}

// listedPackage is the part of `go list -json` output the cache key needs.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	SFiles     []string
	HFiles     []string
	SysoFiles  []string
	EmbedFiles []string
	Module     *listedModule
}

type listedModule struct {
	Path    string
	Version string
	Sum     string
	GoMod   string
	Main    bool
}

// cacheKey hashes every input of the build. The file set comes from `go list -deps` run with the
// build's own flags and environment, so build constraints, embeds, local packages elsewhere in the
// module, replace directives to local directories and go.work are all accounted for exactly as
// the compiler sees them. Packages inside the module cache are immutable and are hashed by
// module path, version and checksum instead of by content; everything else (the main module,
// locally replaced and vendored packages) is hashed by content. The standard library is covered
// by GOVERSION.
func (b *Builder) cacheKey(ctx context.Context, goTool, dir string) (string, error) {
	env, err := b.goEnv(ctx, goTool, dir)
	if err != nil {
		return "", err
	}
	pkgs, err := b.listDeps(ctx, goTool, dir)
	if err != nil {
		return "", err
	}
	b.noteSources(dir, env["GOMODCACHE"], pkgs)
	h := sha256.New()
	fmt.Fprintf(h, "%s\nflags %q\nCGO_ENABLED=0 GOOS=%s GOARCH=%s\n", keyVersion, buildFlags, runtime.GOOS, runtime.GOARCH)
	for _, k := range toolchainKeys {
		fmt.Fprintf(h, "env %s=%q\n", k, env[k])
	}
	files := map[string]bool{}
	if w := env["GOWORK"]; w != "" && w != "off" {
		files[w] = true
		files[strings.TrimSuffix(w, ".work")+".work.sum"] = true
	}
	modCache := env["GOMODCACHE"] + string(filepath.Separator)
	for _, p := range pkgs {
		if p.Standard {
			continue
		}
		if p.Module != nil && p.Module.Version != "" && modCache != string(filepath.Separator) && strings.HasPrefix(p.Dir, modCache) {
			fmt.Fprintf(h, "pkg %s %s@%s %s\n", p.ImportPath, p.Module.Path, p.Module.Version, p.Module.Sum)
			continue
		}
		for _, f := range p.files() {
			files[filepath.Join(p.Dir, f)] = true
		}
		if p.Module != nil && p.Module.GoMod != "" {
			files[p.Module.GoMod] = true
			files[filepath.Join(filepath.Dir(p.Module.GoMod), "go.sum")] = true
		}
	}
	if err := hashFiles(h, files); err != nil {
		return "", fmt.Errorf("build %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

func (p *listedPackage) files() []string {
	var all []string
	for _, set := range [][]string{p.GoFiles, p.CgoFiles, p.SFiles, p.HFiles, p.SysoFiles, p.EmbedFiles} {
		all = append(all, set...)
	}
	return all
}

// hashFiles adds each file's path and content hash in sorted order; a file that does not exist
// (an optional go.sum or go.work.sum) is recorded as absent, so creating it changes the key.
func hashFiles(h io.Writer, files map[string]bool) error {
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := os.ReadFile(name)
		switch {
		case errors.Is(err, os.ErrNotExist):
			fmt.Fprintf(h, "file %s absent\n", name)
		case err != nil:
			return err
		default:
			sum := sha256.Sum256(data)
			fmt.Fprintf(h, "file %s %x\n", name, sum)
		}
	}
	return nil
}

// goEnv reads the toolchain settings in dir (a go.mod toolchain line can select another version).
func (b *Builder) goEnv(ctx context.Context, goTool, dir string) (map[string]string, error) {
	out, err := b.run(ctx, goTool, dir, append([]string{"env", "-json"}, toolchainKeys...), false)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("build %s: reading go env: %w", dir, err)
	}
	return env, nil
}

// listDeps lists the package in dir and all its dependencies, dependencies first, and checks that
// the package itself (the last one) is a main package.
func (b *Builder) listDeps(ctx context.Context, goTool, dir string) ([]listedPackage, error) {
	args := append([]string{"list", "-deps", "-json=ImportPath,Name,Dir,Standard,GoFiles,CgoFiles,SFiles,HFiles,SysoFiles,EmbedFiles,Module"}, buildFlags...)
	out, err := b.run(ctx, goTool, dir, append(args, "."), false)
	if err != nil {
		return nil, err
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("build %s: reading go list: %w", dir, err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("build %s: go list returned no package", dir)
	}
	if main := pkgs[len(pkgs)-1]; main.Name != "main" {
		return nil, &BuildError{Dir: dir, Err: fmt.Errorf("%s is package %s, not a main package (build: go needs `package main` with a main function)", main.ImportPath, main.Name)}
	}
	return pkgs, nil
}

// functionID names a function's cache folder: the code directory's base name for people, and a
// hash of its absolute path for uniqueness.
func functionID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, filepath.Base(dir))
	return base + "-" + hex.EncodeToString(sum[:6])
}
