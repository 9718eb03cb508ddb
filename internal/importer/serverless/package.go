package serverless

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/lambdacode"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// A function's code is what `sls package` would zip, read from package-service.js (v3.40.0):
// every file of the service folder, then the excludes (Serverless's defaults, the service file,
// `.env*` with useDotenv, package.exclude) and then, in order, package.include and
// package.patterns, where a pattern with "!" excludes; the last pattern matching a file decides.
// Function-level include/exclude/patterns count only when the function (or the service) is
// packaged individually, as in Serverless, which otherwise warns and ignores them. An artifact
// wins over patterns: the function's, else the service's unless the function itself is
// packaged individually.
//
// With no include, exclude or patterns anywhere, the function runs from the service folder
// itself, so that edits are live without a copy; the default excludes only leave out files a
// handler does not load (.git, serverless.yml, .serverless). Otherwise the selected files are
// copied into a content-addressed folder in the code cache (lambdacode.Select) and the service
// folder is watched, so an edit builds the package again.

// defaultExcludes are package-service.js's defaultExcludes.
var defaultExcludes = []string{".git/**", ".gitignore", ".DS_Store", "npm-debug.log", "yarn-*.log", ".serverless/**", ".serverless_plugins/**"}

// packageSpec is what one package is built from.
type packageSpec struct {
	exclude, include []string
}

// codeLocation is the folder or zip a function runs from.
func (c *compiler) codeLocation(name string, fn *yaml.Node) string {
	fnPkg := yamlsrc.Get(fn, "package")
	svcPkg := c.r.at("package")
	fnIndividually := truthy(yamlsrc.Get(fnPkg, "individually"))
	if a := scalarValue(yamlsrc.Get(fnPkg, "artifact")); a != "" {
		return c.path(a)
	}
	if a := scalarValue(yamlsrc.Get(svcPkg, "artifact")); a != "" && !fnIndividually {
		return c.path(a)
	}
	individually := fnIndividually || truthy(yamlsrc.Get(svcPkg, "individually"))
	spec := packageSpec{exclude: slices.Concat(defaultExcludes, []string{c.file})}
	if truthy(c.r.at("useDotenv")) {
		spec.exclude = append(spec.exclude, ".env*")
	}
	given := false
	add := func(pkg *yaml.Node, where string) {
		for _, key := range []string{"exclude", "include", "patterns"} {
			for _, p := range asList(yamlsrc.Get(pkg, key)) {
				if p.Kind != yaml.ScalarNode || p.Value == "" {
					c.errs.At(c.file, p, where+"."+key, "must be a list of glob patterns")
					continue
				}
				given = true
				if key == "exclude" {
					spec.exclude = append(spec.exclude, p.Value)
				} else {
					spec.include = append(spec.include, p.Value)
				}
			}
		}
	}
	add(svcPkg, "package")
	if individually {
		add(fnPkg, "functions."+name+".package")
	} else if fnPkg != nil && (yamlsrc.Get(fnPkg, "patterns") != nil || yamlsrc.Get(fnPkg, "include") != nil || yamlsrc.Get(fnPkg, "exclude") != nil) {
		c.warnings = append(c.warnings, c.file+": functions."+name+".package patterns are ignored: they apply only when package.individually is true (as in Serverless)")
	}
	if !given {
		return c.dir
	}
	dir, err := c.selectFiles(spec)
	if err != nil {
		at := fnPkg
		if at == nil {
			at = svcPkg
		}
		c.errs.At(c.file, at, "functions."+name+".package", "%v", err)
		return ""
	}
	c.watchDir = true
	return dir
}

func (c *compiler) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// selectFiles builds the package a spec selects, once per spec.
func (c *compiler) selectFiles(spec packageSpec) (string, error) {
	key := strings.Join(spec.exclude, "\x00") + "\x01" + strings.Join(spec.include, "\x00")
	if dir, ok := c.packages[key]; ok {
		return dir, nil
	}
	files, err := c.allFiles()
	if err != nil {
		return "", err
	}
	names, err := matchPatterns(files, spec)
	if err != nil {
		return "", err
	}
	root := c.r.opts.CacheDir
	if root == "" {
		root = lambdacode.DefaultRoot()
	}
	dir, err := lambdacode.Select(c.dir, names, root)
	if err != nil {
		return "", err
	}
	c.packages[key] = dir
	return dir, nil
}

// allFiles lists the regular files under the service folder (slash-separated, relative),
// following symbolic links to files as globby does; the list is made once per load.
func (c *compiler) allFiles() ([]string, error) {
	if c.fileList != nil {
		return c.fileList, nil
	}
	files := []string{}
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(c.dir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	c.fileList = files
	return files, err
}

// matchPatterns applies resolveFilePathsFromPatterns: excludes (a "!" in front re-includes),
// then includes (a "!" in front excludes), the last match deciding; globs match as micromatch
// does with dot: true (doublestar: ** crosses folders, * does not, dot files match).
func matchPatterns(files []string, spec packageSpec) ([]string, error) {
	var patterns []string
	for _, p := range spec.exclude {
		if rest, ok := strings.CutPrefix(p, "!"); ok {
			patterns = append(patterns, rest)
		} else {
			patterns = append(patterns, "!"+p)
		}
	}
	patterns = append(patterns, spec.include...)
	for _, p := range patterns {
		if !doublestar.ValidatePattern(strings.TrimPrefix(p, "!")) {
			return nil, &patternError{p}
		}
	}
	var out []string
	for _, f := range files {
		keep := true
		for _, p := range patterns {
			exclude := strings.HasPrefix(p, "!")
			if ok, _ := doublestar.Match(strings.TrimPrefix(p, "!"), f); ok {
				keep = !exclude
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, errNoMatchedFiles
	}
	return out, nil
}

type patternError struct{ pattern string }

func (e *patternError) Error() string {
	return "invalid glob pattern " + strings.TrimPrefix(e.pattern, "!")
}

type noMatchedFiles struct{}

func (noMatchedFiles) Error() string {
	return "No file matches include / exclude patterns (NO_MATCHED_FILES, as sls package reports it)"
}

var errNoMatchedFiles error = noMatchedFiles{}

// truthy reads a boolean setting as Serverless does after its schema's coercion: true, "true",
// or a non-zero number.
func truthy(n *yaml.Node) bool {
	n = yamlsrc.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || yamlsrc.IsNull(n) {
		return false
	}
	switch n.Tag {
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		return err == nil && f != 0
	}
	return n.Value == "true"
}
