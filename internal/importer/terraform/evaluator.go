package terraform

import (
	"math/big"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evaluator holds what all module scopes of one load share.
type evaluator struct {
	opts  Options
	root  string // the root module's folder: Terraform's working directory
	ps    *problems
	funcs map[string]function.Function
	// inputs are the root module's variable values from tfvars, TF_VAR_ and --param, not yet
	// converted to the variables' types.
	inputs map[string]input
	// ids names the region and account the ARNs carry, as config.Config computes them.
	ids config.Config
	// reasons says why a value is unknown, by its full reference ("aws_instance.web.private_ip"),
	// so that an unknown value the load balancer needs is explained where it is used.
	reasons map[string]string
	// modules caches parsed module folders.
	modules map[string]*module
	// archives maps the absolute output_path of each data "archive_file" to the folder that
	// holds its content, so that a function whose filename is that path runs the folder.
	archives map[string]string
	// instances counts count and for_each instances against maxTotalInstances.
	instances int
}

// input is one root variable value with where it came from.
type input struct {
	val    cty.Value
	raw    *string // a --param or TF_VAR_ value, parsed according to the variable's type
	source string
	rng    hcl.Range
}

// rootVariable is a root module variable's value.
func (ev *evaluator) rootVariable(v *variable) cty.Value {
	in, ok := ev.inputs[v.name]
	if !ok {
		if v.def != cty.NilVal {
			return v.def
		}
		ev.reasons["var."+v.name] = "variable " + v.name + " has no value: give it with --param " + v.name + "=VALUE or in a .tfvars file"
		return cty.DynamicVal
	}
	val := in.val
	if in.raw != nil {
		val = parseRawVariable(*in.raw, v.typ)
	}
	out, err := convertVar(v, val)
	if err != nil {
		ev.ps.add(in.rng, in.source, "%v", err)
		return cty.DynamicVal
	}
	return out
}

// parseRawVariable reads a command-line value as Terraform does: a string variable takes it
// as it is; any other type parses it as an HCL expression.
func parseRawVariable(raw string, ty cty.Type) cty.Value {
	if ty == cty.String || ty == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), "--param", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	return v
}

// loadModule parses the folder of a local module call (once per folder).
func (ev *evaluator) loadModule(dir string, c *moduleCall, prefix string) *module {
	if m, ok := ev.modules[dir]; ok {
		return m
	}
	ev.modules[dir] = nil // a module that calls itself stops here
	m := parseModule(dir, ev.ps, ev.read)
	if m == nil {
		ev.ps.add(c.block.DefRange(), prefix+"module."+c.name, "module %s could not be loaded", c.source)
	}
	ev.modules[dir] = m
	return m
}

// wholeNumber reads a known, non-negative whole number (count).
func (ev *evaluator) wholeNumber(v cty.Value, expr hcl.Expression, where, prefix string) (int, bool) {
	if !v.IsWhollyKnown() {
		ev.reportUnknown(expr, where, prefix)
		return 0, false
	}
	if v.IsNull() || v.Type() != cty.Number {
		ev.ps.add(expr.Range(), where, "must be a whole number")
		return 0, false
	}
	bf := v.AsBigFloat()
	n, acc := bf.Int64()
	if acc != big.Exact || n < 0 || n > maxInstances {
		ev.ps.add(expr.Range(), where, "must be a whole number between 0 and %d", maxInstances)
		return 0, false
	}
	return int(n), true
}

// maxInstances bounds count: an ALB holds at most 100 rules and 1000 target groups, so a larger
// count is a mistake, and evaluating it would only cost time.
const maxInstances = 1000

// maxTotalInstances bounds all instances of a load, modules included, so that nested counts
// cannot multiply into an evaluation that never ends.
const maxTotalInstances = 10000

// reportUnknown reports a value Albatross cannot know before apply, naming each reference of
// the expression that is unknown and how to give it.
func (ev *evaluator) reportUnknown(expr hcl.Expression, where, prefix string) {
	var why []string
	for _, tr := range expr.Variables() {
		ref := prefix + traversalString(tr)
		for k, r := range ev.reasons {
			if (ref == k || strings.HasPrefix(ref, k+".") || strings.HasPrefix(ref, k+"[")) && !slices.Contains(why, r) {
				why = append(why, r)
			}
		}
	}
	slices.Sort(why)
	msg := "is known only after apply"
	if len(why) > 0 {
		msg = strings.Join(why, "; ")
	}
	ev.ps.add(expr.Range(), where, "%s", msg)
}

// traversalString renders a traversal as Terraform writes it: a.b[0]["k"].
func traversalString(tr hcl.Traversal) string {
	var b strings.Builder
	for i, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			switch {
			case s.Key.Type() == cty.String:
				b.WriteString(`["` + s.Key.AsString() + `"]`)
			case s.Key.Type() == cty.Number:
				b.WriteString("[" + s.Key.AsBigFloat().Text('f', 0) + "]")
			}
		default:
			_ = i
		}
	}
	return b.String()
}
