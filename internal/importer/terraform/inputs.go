package terraform

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// readInputs gathers root variable values in Terraform's order of precedence, later winning:
// TF_VAR_name, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and *.auto.tfvars.json
// (together, by name), the VarFiles, then Params.
func (ev *evaluator) readInputs(mod *module) {
	ev.inputs = map[string]input{}
	for name := range mod.variables {
		if raw, ok := ev.opts.Env("TF_VAR_" + name); ok {
			ev.inputs[name] = input{raw: &raw, source: "TF_VAR_" + name}
		}
	}
	files := []string{}
	for _, name := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if _, err := os.Stat(filepath.Join(ev.root, name)); err == nil {
			files = append(files, filepath.Join(ev.root, name))
		}
	}
	auto, _ := filepath.Glob(filepath.Join(ev.root, "*.auto.tfvars"))
	autoJSON, _ := filepath.Glob(filepath.Join(ev.root, "*.auto.tfvars.json"))
	auto = append(auto, autoJSON...)
	slices.Sort(auto)
	files = append(files, auto...)
	for _, f := range ev.opts.VarFiles {
		files = append(files, resolvePath(ev.root, f))
	}
	for _, f := range files {
		ev.readVarFile(f, mod)
	}
	for _, name := range slicesSortedKeys(ev.opts.Params) {
		raw := ev.opts.Params[name]
		if mod.variables[name] == nil {
			ev.ps.add(hcl.Range{}, "--param "+name, "the root module declares no variable %q", name)
			continue
		}
		ev.inputs[name] = input{raw: &raw, source: "--param " + name}
	}
}

// readVarFile reads one .tfvars or .tfvars.json file: constant values only, as Terraform allows
// there (a JSON string is taken as written, without templates, as Terraform reads it).
func (ev *evaluator) readVarFile(path string, mod *module) {
	ev.read(path)
	src, err := readBounded(path)
	if err != nil {
		ev.ps.add(hcl.Range{Filename: path}, "", "%v", err)
		return
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		f, diags = hcljson.Parse(src, path)
	} else {
		f, diags = hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	}
	if diags.HasErrors() {
		ev.ps.addDiags(diags, "")
		return
	}
	if body, native := f.Body.(*hclsyntax.Body); native {
		for _, b := range body.Blocks {
			ev.ps.add(b.DefRange(), b.Type, "a variables file holds only NAME = VALUE lines")
		}
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		ev.ps.addDiags(diags, "")
		return
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			ev.ps.addDiags(diags, "var."+name)
			continue
		}
		if mod.variables[name] == nil {
			ev.notice("%s: no variable %q is declared; the value is ignored", ev.ps.location(a.NameRange), name)
			continue
		}
		ev.inputs[name] = input{val: v, source: "var." + name, rng: a.Expr.Range()}
	}
}

func slicesSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// goToCty converts a value decoded from YAML (--values) into a cty value.
func goToCty(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case string:
		return cty.StringVal(x)
	case bool:
		return cty.BoolVal(x)
	case int:
		return cty.NumberIntVal(int64(x))
	case int64:
		return cty.NumberIntVal(x)
	case uint64:
		return cty.NumberUIntVal(x)
	case float64:
		return cty.NumberFloatVal(x)
	case []any:
		vals := make([]cty.Value, len(x))
		for i, e := range x {
			vals[i] = goToCty(e)
		}
		return cty.TupleVal(vals)
	case map[string]any:
		m := make(map[string]cty.Value, len(x))
		for k, e := range x {
			m[k] = goToCty(e)
		}
		return cty.ObjectVal(m)
	}
	return cty.DynamicVal
}
