// Package serverless translates a Serverless Framework service (serverless.yml, v3 and v4
// syntax) into Albatross's configuration model. It resolves the service's variables, compiles
// its functions and their alb events into the CloudFormation resources Serverless v3 would
// generate (same logical ids, names, conditions and defaults), merges resources.Resources over
// them as Serverless does, and translates the whole template through the CloudFormation
// importer, so a hand-written listener, rule or target group is read exactly as in a template.
package serverless

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/cloudformation"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Options are the inputs a service needs from outside.
type Options struct {
	// Params are ${opt:NAME} and ${param:NAME} values (--param NAME=VALUE).
	Params map[string]string
	// Stage is --stage; empty means provider.stage, else dev.
	Stage string
	// Values holds ${ssm:}, ${cf:} and ${s3:} values and S3 code locations.
	Values *values.File
	// Env looks up ${env:} variables; nil means the process environment.
	Env func(string) (string, bool)
	// CacheDir receives unpacked zips; empty means the user cache directory.
	CacheDir string
}

// Result is a translated service.
type Result struct {
	Config   *config.Config
	Sources  map[string]string
	Warnings []string
	// Watch are serverless.yml, the files its ${file()} variables read, and the code folders
	// and zips of its functions.
	Watch []string
	// Template is the CloudFormation template the service compiled to (for tests and tools).
	Template *yaml.Node
}

// ServiceFile finds serverless.yml (or .yaml, .json) in a folder; a file path is returned as is.
func ServiceFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return path, nil
	}
	for _, n := range []string{"serverless.yml", "serverless.yaml", "serverless.json"} {
		p := filepath.Join(path, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s has no serverless.yml, serverless.yaml or serverless.json (serverless.ts and .js are not read)", path)
}

// Load reads and translates the service at path (a serverless.yml or its folder). Problems
// come back together as yamlsrc.Errors; the Result is returned with them when the service
// compiled far enough to be translated.
func Load(path string, opts Options) (*Result, error) {
	file, err := ServiceFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return load(abs, data, opts)
}

// load translates the service in data, read from the file at abs.
func load(abs string, data []byte, opts Options) (*Result, error) {
	name := filepath.Base(abs)
	root, err := yamlsrc.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, yamlsrc.Errors{{File: name, Line: 1, Column: 1, Message: "a Serverless service is a map with service, provider and functions"}}
	}
	r := &resolver{file: name, dir: filepath.Dir(abs), root: root, opts: opts, state: map[*yaml.Node]int{},
		files: map[string]*yaml.Node{}, fileOf: map[*yaml.Node]string{}}
	c := &compiler{r: r, file: name, dir: filepath.Dir(abs), origins: map[string]string{}, code: map[string]string{}, files: map[string]string{}, packages: map[string]string{},
		targetAliases: map[string]string{}, aliases: map[string]*yaml.Node{}}
	tmpl := c.compile()
	if len(c.errs) > 0 || len(r.errs) > 0 {
		return nil, append(r.errs, c.errs...)
	}
	t, err := cloudformation.FromNode(tmpl, cloudformation.Options{
		File: name, Dir: c.dir, Values: opts.Values, StackName: c.service + "-" + c.stage,
		Region: r.region(), CacheDir: opts.CacheDir, Origins: c.origins, Code: c.code, Files: c.files,
	})
	if err != nil {
		return nil, err
	}
	cres, terr := t.Translate()
	res := &Result{Config: cres.Config, Sources: cres.Sources, Warnings: append(c.warnings, cres.Warnings...), Template: tmpl}
	res.Watch = append([]string{abs}, r.watch...)
	if c.watchDir {
		// Code built from package patterns is a copy: an edit anywhere in the service folder
		// must build it again ("FOLDER/..." to importer.Watcher).
		res.Watch = append(res.Watch, c.dir+string(filepath.Separator)+"...")
	}
	res.Watch = append(res.Watch, cres.Watch...)
	sort.Strings(res.Warnings)
	return res, terr
}
