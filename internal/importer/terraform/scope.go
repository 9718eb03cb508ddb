package terraform

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// scope is one instance of a module: the root module, or a module call (one per count index or
// for_each key). It resolves the names expressions use — var, local, module, data and resources —
// lazily and once, so that only what is referenced is evaluated and cycles are caught.
type scope struct {
	ev     *evaluator
	mod    *module
	prefix string // "" for the root, "module.api." or `module.api["x"].` for a call
	// parent, call and callExtra evaluate the call's arguments, in the caller's scope with the
	// call's count.index or each.
	parent    *scope
	call      *moduleCall
	callExtra map[string]cty.Value

	// chain is the module folders from the root to this one: a module that calls itself,
	// directly or not, would never end.
	chain []string

	values    map[string]cty.Value // by reference key: "var.x", "local.y", "aws_lb.main", "module.z"
	busy      map[string]bool
	instances map[string][]*instance // evaluated resources by key
	children  map[string][]*scope    // module calls by name
}

func newScope(ev *evaluator, mod *module, prefix string, parent *scope, call *moduleCall, extra map[string]cty.Value) *scope {
	return &scope{ev: ev, mod: mod, prefix: prefix, chain: []string{mod.dir}, parent: parent, call: call, callExtra: extra,
		values: map[string]cty.Value{}, busy: map[string]bool{}, instances: map[string][]*instance{}, children: map[string][]*scope{}}
}

// refKey is the name a traversal resolves through: "var.x", "data.t.n", "aws_lb.main".
func refKey(tr hcl.Traversal) (string, bool) {
	attr := func(i int) (string, bool) {
		if len(tr) > i {
			if a, ok := tr[i].(hcl.TraverseAttr); ok {
				return a.Name, true
			}
		}
		return "", false
	}
	switch root := tr.RootName(); root {
	case "var", "local", "module":
		n, ok := attr(1)
		return root + "." + n, ok
	case "data":
		t, ok1 := attr(1)
		n, ok2 := attr(2)
		return "data." + t + "." + n, ok1 && ok2
	case "path", "terraform", "count", "each", "self":
		return "", false
	default:
		n, ok := attr(1)
		return root + "." + n, ok
	}
}

// declared reports whether key names something this module declares.
func (s *scope) declared(key string) bool {
	switch {
	case strings.HasPrefix(key, "var."):
		return s.mod.variables[key[4:]] != nil
	case strings.HasPrefix(key, "local."):
		return s.mod.locals[key[6:]] != nil
	case strings.HasPrefix(key, "module."):
		return s.findCall(key[7:]) != nil
	}
	return s.findResource(key) != nil
}

func (s *scope) findResource(key string) *resource {
	for _, r := range s.mod.resources {
		if r.key() == key {
			return r
		}
	}
	return nil
}

func (s *scope) findCall(name string) *moduleCall {
	for _, c := range s.mod.calls {
		if c.name == name {
			return c
		}
	}
	return nil
}

// eval evaluates an expression of this module, resolving what it references first. extra holds
// count, each and dynamic-block iterators.
func (s *scope) eval(expr hcl.Expression, extra map[string]cty.Value) (cty.Value, hcl.Diagnostics) {
	var undeclared hcl.Diagnostics
	for _, tr := range expr.Variables() {
		if _, shadowed := extra[tr.RootName()]; shadowed {
			continue
		}
		key, ok := refKey(tr)
		switch {
		case !ok:
		case s.declared(key):
			s.resolve(key, tr.SourceRange())
		default:
			rng := tr.SourceRange()
			undeclared = append(undeclared, &hcl.Diagnostic{Severity: hcl.DiagError, Subject: &rng,
				Summary: "Reference to undeclared " + declKind(key), Detail: key + " is not declared in this module"})
		}
	}
	if undeclared.HasErrors() {
		return cty.DynamicVal, undeclared
	}
	return expr.Value(s.ctx(extra))
}

// resolve returns the value of a declared name, evaluating it the first time.
func (s *scope) resolve(key string, rng hcl.Range) cty.Value {
	if v, ok := s.values[key]; ok {
		return v
	}
	if s.busy[key] {
		s.ev.ps.add(rng, s.prefix+key, "refers to itself (a cycle through %s)", key)
		return cty.DynamicVal
	}
	s.busy[key] = true
	defer delete(s.busy, key)
	var v cty.Value
	switch {
	case strings.HasPrefix(key, "var."):
		v = s.variable(s.mod.variables[key[4:]])
	case strings.HasPrefix(key, "local."):
		a := s.mod.locals[key[6:]]
		var diags hcl.Diagnostics
		if v, diags = s.eval(a.Expr, nil); diags.HasErrors() {
			s.ev.ps.addDiags(diags, s.prefix+key)
			v = cty.DynamicVal
		}
	case strings.HasPrefix(key, "module."):
		v = s.moduleValue(s.findCall(key[7:]))
	default:
		v = s.resourceValue(s.findResource(key))
	}
	s.values[key] = v
	return v
}

// ctx is the evaluation context: every name resolved so far, grouped as Terraform spells them.
func (s *scope) ctx(extra map[string]cty.Value) *hcl.EvalContext {
	groups := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	put := func(m map[string]map[string]cty.Value, g, name string, v cty.Value) {
		if m[g] == nil {
			m[g] = map[string]cty.Value{}
		}
		m[g][name] = v
	}
	for key, v := range s.values {
		parts := strings.SplitN(key, ".", 3)
		if parts[0] == "data" {
			put(data, parts[1], parts[2], v)
		} else {
			put(groups, parts[0], parts[1], v)
		}
	}
	vars := map[string]cty.Value{}
	for g, m := range groups {
		vars[g] = cty.ObjectVal(m)
	}
	if len(data) > 0 {
		d := map[string]cty.Value{}
		for t, m := range data {
			d[t] = cty.ObjectVal(m)
		}
		vars["data"] = cty.ObjectVal(d)
	}
	vars["path"] = cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal(s.mod.dir), "root": cty.StringVal(s.ev.root), "cwd": cty.StringVal(s.ev.root)})
	vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
	maps.Copy(vars, extra)
	return &hcl.EvalContext{Variables: vars, Functions: s.ev.funcs}
}

// variable is a variable's value: the module call's argument, or for the root module the
// inputs (tfvars, TF_VAR_, --param), else the default. A variable without any is unknown, and
// says how to give it if the load balancer needs it.
func (s *scope) variable(v *variable) cty.Value {
	if s.parent == nil {
		return s.ev.rootVariable(v)
	}
	if a := s.call.args[v.name]; a != nil {
		val, diags := s.parent.eval(a.Expr, s.callExtra)
		if diags.HasErrors() {
			s.ev.ps.addDiags(diags, s.parent.prefix+"module."+s.call.name+"."+v.name)
			return cty.DynamicVal
		}
		out, err := convertVar(v, val)
		if err != nil {
			s.ev.ps.add(a.Expr.Range(), s.parent.prefix+"module."+s.call.name+"."+v.name, "%v", err)
			return cty.DynamicVal
		}
		return out
	}
	if v.def != cty.NilVal {
		return v.def
	}
	s.ev.ps.add(s.call.block.DefRange(), s.parent.prefix+"module."+s.call.name, "the module's variable %q is required and not given", v.name)
	return cty.DynamicVal
}

// expansion is one instance of a counted or for_each block: its index suffix and the count or
// each object expressions see.
type expansion struct {
	suffix string
	extra  map[string]cty.Value
	key    cty.Value // number for count, string for for_each, NilVal for a single instance
}

// expand evaluates count or for_each. A value Albatross cannot know is a problem: the set of
// instances decides which load balancer resources exist.
func (s *scope) expand(count, forEach *hclsyntax.Attribute, where string) ([]expansion, bool) {
	switch {
	case count != nil:
		v, diags := s.eval(count.Expr, nil)
		if diags.HasErrors() {
			s.ev.ps.addDiags(diags, where+".count")
			return nil, false
		}
		n, ok := s.ev.wholeNumber(v, count.Expr, where+".count", s.prefix)
		if !ok {
			return nil, false
		}
		if !s.spend(n, count.Expr.Range(), where+".count") {
			return nil, false
		}
		out := make([]expansion, n)
		for i := range n {
			out[i] = expansion{suffix: fmt.Sprintf("[%d]", i), key: cty.NumberIntVal(int64(i)),
				extra: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})}}
		}
		return out, true
	case forEach != nil:
		v, diags := s.eval(forEach.Expr, nil)
		if diags.HasErrors() {
			s.ev.ps.addDiags(diags, where+".for_each")
			return nil, false
		}
		exps, ok := s.eachOf(v, forEach.Expr, where+".for_each")
		if !ok || !s.spend(len(exps), forEach.Expr.Range(), where+".for_each") {
			return nil, false
		}
		return exps, true
	}
	return []expansion{{extra: nil, key: cty.NilVal}}, true
}

// spend takes n instances from the load's budget, reporting when it runs out.
func (s *scope) spend(n int, rng hcl.Range, where string) bool {
	s.ev.instances += n
	if s.ev.instances > maxTotalInstances {
		s.ev.ps.add(rng, where, "more than %d resource and module instances in all", maxTotalInstances)
		return false
	}
	return true
}

func (s *scope) eachOf(v cty.Value, expr hcl.Expression, where string) ([]expansion, bool) {
	ty := v.Type()
	isStringSet := ty.IsSetType() && ty.ElementType() == cty.String
	// A map's keys are known when the map is; its values may wait for apply, as in Terraform.
	if !v.IsKnown() || (!ty.IsMapType() && !ty.IsObjectType() && !v.IsWhollyKnown()) {
		s.ev.reportUnknown(expr, where, s.prefix)
		return nil, false
	}
	if v.IsNull() {
		s.ev.ps.add(expr.Range(), where, "must not be null")
		return nil, false
	}
	if !ty.IsMapType() && !ty.IsObjectType() && !isStringSet {
		s.ev.ps.add(expr.Range(), where, "must be a map, or a set of strings, got %s", ty.FriendlyName())
		return nil, false
	}
	var out []expansion
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if isStringSet {
			k = val
		}
		if k.IsNull() {
			s.ev.ps.add(expr.Range(), where, "a key must not be null")
			return nil, false
		}
		key := k.AsString()
		out = append(out, expansion{suffix: fmt.Sprintf("[%q]", key), key: k,
			extra: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})}})
	}
	return out, true
}

// aggregate builds what a reference to a counted or for_each block returns: the object itself,
// a tuple by index, or an object by key.
func aggregate(count, forEach *hclsyntax.Attribute, exps []expansion, vals []cty.Value) cty.Value {
	switch {
	case count != nil:
		return cty.TupleVal(vals)
	case forEach != nil:
		m := make(map[string]cty.Value, len(vals))
		for i, e := range exps {
			m[e.key.AsString()] = vals[i]
		}
		return cty.ObjectVal(m)
	case len(vals) == 1:
		return vals[0]
	}
	return cty.DynamicVal
}

// moduleValue instantiates a module call and returns its outputs.
func (s *scope) moduleValue(c *moduleCall) cty.Value {
	children, ok := s.instantiate(c)
	if !ok {
		return cty.DynamicVal
	}
	exps := make([]expansion, len(children))
	vals := make([]cty.Value, len(children))
	for i, child := range children {
		exps[i] = expansion{key: childKey(child)}
		out := map[string]cty.Value{}
		for _, name := range slices.Sorted(maps.Keys(child.mod.outputs)) {
			a := child.mod.outputs[name]
			v, diags := child.eval(a.Expr, nil)
			if diags.HasErrors() {
				s.ev.ps.addDiags(diags, child.prefix+"output."+name)
				v = cty.DynamicVal
			}
			out[name] = v
		}
		vals[i] = cty.ObjectVal(out)
	}
	return aggregate(c.count, c.forEach, exps, vals)
}

func childKey(child *scope) cty.Value {
	if each, ok := child.callExtra["each"]; ok {
		return each.GetAttr("key")
	}
	return cty.NilVal
}

// instantiate parses a called module once and makes its scopes, one per instance.
func (s *scope) instantiate(c *moduleCall) ([]*scope, bool) {
	if children, ok := s.children[c.name]; ok {
		return children, children != nil
	}
	s.children[c.name] = nil
	dir := filepath.Clean(filepath.Join(s.mod.dir, c.source))
	if slices.Contains(s.chain, dir) {
		s.ev.ps.add(c.block.DefRange(), s.prefix+"module."+c.name, "the module calls itself (%s)", c.source)
		return nil, false
	}
	mod := s.ev.loadModule(dir, c, s.prefix)
	if mod == nil {
		return nil, false
	}
	exps, ok := s.expand(c.count, c.forEach, s.prefix+"module."+c.name)
	if !ok {
		return nil, false
	}
	children := make([]*scope, len(exps))
	for i, e := range exps {
		children[i] = newScope(s.ev, mod, s.prefix+"module."+c.name+e.suffix+".", s, c, e.extra)
		children[i].chain = append(slices.Clip(s.chain), dir)
	}
	s.children[c.name] = children
	return children, true
}

// declKind names what a reference key refers to, for messages.
func declKind(key string) string {
	switch {
	case strings.HasPrefix(key, "var."):
		return "input variable"
	case strings.HasPrefix(key, "local."):
		return "local value"
	case strings.HasPrefix(key, "module."):
		return "module"
	case strings.HasPrefix(key, "data."):
		return "data source"
	}
	return "resource"
}
