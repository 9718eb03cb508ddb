// Package importer is Albatross's front door for configurations written for AWS: it recognises
// the format of a file or folder (Albatross YAML, a Serverless Framework service, a
// CloudFormation or SAM template, a Terraform module, a describe bundle), translates it into the
// one configuration model, applies the port map, and validates the result by the same rules as
// Albatross YAML, with every problem pointing back at the source it came from.
package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/config/file"
	"github.com/albatross-lb/albatross/internal/importer/bundle"
	"github.com/albatross-lb/albatross/internal/importer/cloudformation"
	"github.com/albatross-lb/albatross/internal/importer/serverless"
	"github.com/albatross-lb/albatross/internal/importer/terraform"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Options are the inputs from the command line.
type Options struct {
	// Format forces the format; empty means recognise it from the content.
	Format Format
	// Params are --param NAME=VALUE: CloudFormation Parameters, Serverless ${opt:NAME},
	// Terraform variables.
	Params map[string]string
	// Stage is --stage (Serverless); it is also ${opt:stage}.
	Stage string
	// VarFiles are Terraform *.tfvars files (--var-file).
	VarFiles []string
	// Values is the --values file (nil when not given).
	Values *values.File
	// Ports moves listener ports (--port-map, --port-offset).
	Ports PortMap
	// Env looks up ${env:} variables; nil means the process environment.
	Env func(string) (string, bool)
	// CacheDir receives inline code and unpacked zips; empty means the user cache directory.
	CacheDir string
}

// Result is a loaded configuration with what the importer learnt on the way.
type Result struct {
	Config *config.Config
	Format Format
	// Watch are the files (and code folders or zips) the configuration was built from: a
	// change to any of them should reload it. "FOLDER/*" and "FOLDER/..." stand for the files
	// directly in a folder and below it (see Watcher).
	Watch []string
	// Sources maps config paths ("load_balancers[0].listeners[1]") to where each item came
	// from, for comments in `albatross import` and for problems.
	Sources map[string]string
	// Warnings are one line each (skipped resources, substituted runtimes, unavailable functions).
	Warnings []string
}

// loadTerraform and loadBundle adapt the formats built in their own packages: what they read is
// watched, their notices become warnings, and where each item came from becomes its source.
func loadTerraform(path string, opts Options, res *Result) (*config.Config, error) {
	return terraform.Load(path, terraform.Options{Params: opts.Params, VarFiles: opts.VarFiles, Values: opts.Values,
		Env: opts.Env, CodeDir: opts.CacheDir, Notice: res.warn, Read: res.watch, Source: res.source})
}

func loadBundle(path string, opts Options, res *Result) (*config.Config, error) {
	return bundle.Load(path, bundle.Options{Params: opts.Params, VarFiles: opts.VarFiles, Values: opts.Values,
		Env: opts.Env, CodeDir: opts.CacheDir, Notice: res.warn, Read: res.watch, Source: res.source})
}

func (r *Result) warn(line string) { r.Warnings = append(r.Warnings, line) }

func (r *Result) watch(path string) { r.Watch = append(r.Watch, abs(path)) }

func (r *Result) source(cfgPath, from string) {
	if r.Sources == nil {
		r.Sources = map[string]string{}
	}
	r.Sources[cfgPath] = from
}

// Load reads the configuration at path in whatever format it is written. It returns the
// Result together with a config.Problems error when the configuration has problems (as
// file.Load does), and a nil Result when it cannot be read at all.
func Load(path string, opts Options) (*Result, error) {
	format := opts.Format
	var content []byte
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if !st.IsDir() {
		if content, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	if format == "" {
		format = Detect(path, st.IsDir(), content)
	}
	res, err := load(format, path, content, opts)
	if res == nil {
		return nil, err
	}
	res.Format = format
	sort.Strings(res.Warnings)
	return res, err
}

func load(format Format, path string, content []byte, opts Options) (*Result, error) {
	switch format {
	case Albatross:
		cfg, err := file.Load(path)
		if cfg == nil {
			return nil, err
		}
		if opts.Ports.Empty() {
			return &Result{Config: cfg, Watch: []string{abs(path)}}, err
		}
		// Re-validate with the moved ports: a move may clash.
		if perr := opts.Ports.Apply(cfg); perr != nil {
			return nil, perr
		}
		return finish(&Result{Config: cfg, Watch: []string{abs(path)}}, nil)
	case CloudFormation:
		return loadCloudFormation(path, content, opts)
	case Serverless:
		return loadServerless(path, opts)
	case Terraform, Bundle:
		res := &Result{Watch: []string{abs(path)}}
		load := loadTerraform
		if format == Bundle {
			load = loadBundle
		}
		cfg, err := load(path, opts, res)
		if cfg == nil {
			return nil, err
		}
		res.Config = cfg
		if perr := opts.Ports.Apply(cfg); perr != nil {
			return nil, perr
		}
		if uerr := withUserPools(res, opts); uerr != nil {
			return nil, uerr
		}
		return finish(res, err)
	}
	return nil, fmt.Errorf("unknown format %q: use albatross, serverless, cloudformation, terraform or bundle", format)
}

func loadCloudFormation(path string, content []byte, opts Options) (*Result, error) {
	dir := filepath.Dir(abs(path))
	t, err := cloudformation.Parse(content, cloudformation.Options{
		File: filepath.Base(path), Dir: dir, Params: opts.Params, Values: opts.Values,
		StackName: stackName(path), CacheDir: opts.CacheDir,
	})
	if err != nil {
		return nil, asProblems(err)
	}
	cres, terr := t.Translate()
	res := &Result{Config: cres.Config, Sources: cres.Sources, Warnings: cres.Warnings,
		Watch: append([]string{abs(path)}, cres.Watch...)}
	if perr := opts.Ports.Apply(res.Config); perr != nil {
		return nil, perr
	}
	if uerr := withUserPools(res, opts); uerr != nil {
		return nil, uerr
	}
	return finish(res, terr)
}

func loadServerless(path string, opts Options) (*Result, error) {
	sres, err := serverless.Load(path, serverless.Options{
		Params: opts.Params, Stage: opts.Stage, Values: opts.Values, Env: opts.Env, CacheDir: opts.CacheDir,
	})
	if sres == nil {
		return nil, asProblems(err)
	}
	res := &Result{Config: sres.Config, Sources: sres.Sources, Warnings: sres.Warnings, Watch: sres.Watch}
	if perr := opts.Ports.Apply(res.Config); perr != nil {
		return nil, perr
	}
	if uerr := withUserPools(res, opts); uerr != nil {
		return nil, uerr
	}
	return finish(res, err)
}

// stackName is AWS::StackName for a template: its file name without extension.
func stackName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// finish validates the translated configuration and joins its problems, pointed at their
// sources, with the translation's own.
func finish(res *Result, translateErr error) (*Result, error) {
	ps := asProblems(translateErr)
	var vps config.Problems
	if err := res.Config.Validate(); err != nil && !errors.As(err, &vps) {
		return res, err
	}
	vps = append(vps, file.CheckFiles(res.Config)...)
	for _, p := range vps {
		p.Path = res.locate(p.Path)
		ps = append(ps, p)
	}
	return res, ps.Err()
}

// locate prefixes a config path with the source of the innermost item that holds it.
func (r *Result) locate(path string) string {
	best := ""
	for k := range r.Sources {
		if (path == k || strings.HasPrefix(path, k+".") || strings.HasPrefix(path, k+"[")) && len(k) > len(best) {
			best = k
		}
	}
	if best == "" {
		return path
	}
	return r.Sources[best] + ": " + path
}

// asProblems turns positioned errors into config.Problems; other errors pass through as one
// problem each.
func asProblems(err error) config.Problems {
	if err == nil {
		return nil
	}
	var ys yamlsrc.Errors
	if errors.As(err, &ys) {
		ps := make(config.Problems, len(ys))
		for i, e := range ys {
			ps[i] = config.Problem{Path: e.Where(), Message: e.Message}
		}
		return ps
	}
	var ps config.Problems
	if errors.As(err, &ps) {
		return ps
	}
	return config.Problems{{Message: err.Error()}}
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
