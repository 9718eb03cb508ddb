// Package terraform reads a Terraform root module — its load balancers, listeners, rules, target
// groups, attachments and Lambda functions — into Albatross's configuration model, evaluating
// HCL with HashiCorp's HCL library the way Terraform would plan it: variables (defaults, tfvars,
// TF_VAR_, --param), locals, references, count, for_each, dynamic blocks and local modules.
// Values only AWS knows after apply are computed the way Albatross names its own resources (ARNs)
// or come from --values. Every other resource is skipped with one line, unless the load
// balancer needs a value of it that is not known.
package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Options are the inputs a module needs beyond its files.
type Options struct {
	// Params are -var values: NAME=VALUE for root module variables (they win over tfvars).
	Params map[string]string
	// VarFiles are -var-file files, read after terraform.tfvars and *.auto.tfvars.
	VarFiles []string
	// Values answers what lives outside the module: remote state outputs (tfstate:NAME.OUTPUT),
	// attributes of resources Albatross does not build (attr:ADDRESS.NAME), S3 code
	// (s3://BUCKET/KEY) and target addresses. nil means none given.
	Values *values.File
	// Env reads the environment for TF_VAR_name; nil means os.LookupEnv.
	Env func(string) (string, bool)
	// CodeDir is where zip packages are unpacked and archives built; empty means
	// lambdacode.DefaultRoot().
	CodeDir string
	// Notice receives one line per skipped resource and per approximation; nil discards them.
	Notice func(string)
	// Read, when set, is called with every file and folder the load read — module folders (as
	// "FOLDER/*"), .tf and .tfvars files, files read by file() and templatefile(), archive
	// sources (a source_dir that is copied as "FOLDER/..."), zip packages — so that live reload
	// can watch them (importer.Watcher).
	Read func(path string)
	// Source, when set, is called for every load balancer, listener, rule, target group,
	// target and function built, with its configuration path ("load_balancers[0].listeners[1]")
	// and the resource instance it came from ("main.tf:12:1 aws_lb_listener.front[\"https\"]"),
	// for the comments of `albatross import` and for locating validation problems.
	Source func(cfgPath, from string)
}

// Detect reports whether path is a Terraform module: a folder holding .tf or .tf.json files, a
// .tf or .tf.json file, or content that parses as HCL with Terraform's top-level blocks.
func Detect(path string, content []byte) bool {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		m, _ := filepath.Glob(filepath.Join(path, "*.tf"))
		j, _ := filepath.Glob(filepath.Join(path, "*.tf.json"))
		return len(m)+len(j) > 0
	}
	if strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tf.json") {
		return true
	}
	if len(content) == 0 {
		return false
	}
	f, diags := hclsyntax.ParseConfig(content, path, hcl.InitialPos)
	if diags.HasErrors() {
		return false
	}
	body := f.Body.(*hclsyntax.Body)
	for _, b := range body.Blocks {
		switch b.Type {
		case "resource", "data", "module", "variable", "terraform", "provider", "locals", "output":
		default:
			return false
		}
	}
	return len(body.Blocks) > 0 && len(body.Attributes) == 0
}

// Load reads the root module at path (a folder, or a .tf file standing for its folder, as
// Terraform always reads a whole folder) and returns the configuration it describes. The error
// is a config.Problems listing every problem, each as "file:line:column resource.path".
func Load(path string, opts Options) (*config.Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	root := abs
	if st, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	} else if !st.IsDir() {
		root = filepath.Dir(abs)
	}
	if opts.Env == nil {
		opts.Env = os.LookupEnv
	}
	ps := &problems{root: root}
	ev := &evaluator{opts: opts, root: root, ps: ps, reasons: map[string]string{},
		modules: map[string]*module{}, archives: map[string]string{}}
	ev.funcs = functions(root, ev.read)
	mod := parseModule(root, ps, ev.read)
	if mod == nil {
		return nil, ps.list.Err()
	}
	ev.modules[root] = mod
	ev.readInputs(mod)
	rootScope := newScope(ev, mod, "", nil, nil, nil)
	ev.ids = config.Config{Region: ev.providerRegion(rootScope)}
	var scopes []*scope
	ev.evalAll(rootScope, &scopes)
	cfg := ev.convert(scopes)
	if len(ps.list) > 0 {
		return nil, ps.list
	}
	return cfg, nil
}

// evalAll evaluates every built resource and known data source of a scope and of every module
// it calls, and lists the scopes in declaration order.
func (ev *evaluator) evalAll(s *scope, scopes *[]*scope) {
	*scopes = append(*scopes, s)
	for _, r := range s.mod.resources {
		if (r.data && r.typ == "archive_file") || (!r.data && built[r.typ]) {
			s.resolve(r.key(), r.block.DefRange())
		}
	}
	for _, c := range s.mod.calls {
		children, _ := s.instantiate(c)
		for _, child := range children {
			ev.evalAll(child, scopes)
		}
	}
}

// providerRegion is the region of the default aws provider when it is known, for ARNs.
func (ev *evaluator) providerRegion(s *scope) string {
	for _, p := range s.mod.providers {
		if p.Labels[0] != "aws" || p.Body.Attributes["alias"] != nil {
			continue
		}
		if a := p.Body.Attributes["region"]; a != nil {
			if v, diags := s.eval(a.Expr, nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				return v.AsString()
			}
		}
	}
	return ""
}

// The folder forms of a watched path that importer.Watcher understands: every file directly in
// the folder, or every file below it.
var (
	watchFiles = string(filepath.Separator) + "*"
	watchTree  = string(filepath.Separator) + "..."
)

// read reports a file or folder the load depends on.
func (ev *evaluator) read(path string) {
	if ev.opts.Read != nil {
		ev.opts.Read(path)
	}
}

func (ev *evaluator) notice(format string, args ...any) {
	if ev.opts.Notice != nil {
		ev.opts.Notice(fmt.Sprintf(format, args...))
	}
}
