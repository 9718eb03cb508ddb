package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// module is one Terraform module folder, parsed: its declarations by kind and name.
type module struct {
	dir       string // absolute
	variables map[string]*variable
	locals    map[string]*hclsyntax.Attribute
	resources []*resource // managed and data, in file order
	calls     []*moduleCall
	outputs   map[string]*hclsyntax.Attribute
	providers []*hclsyntax.Block
	// attrNames is every attribute name used after a dot anywhere in the module: a resource
	// Albatross does not build answers these as unknown instead of "no such attribute".
	attrNames map[string]bool
}

// variable is a variable block: its type constraint and default.
type variable struct {
	name     string
	typ      cty.Type
	defaults *typeexpr.Defaults
	def      cty.Value // cty.NilVal when there is no default
	rng      hcl.Range
}

// resource is a resource or data block.
type resource struct {
	data           bool
	typ, name      string
	block          *hclsyntax.Block
	count, forEach *hclsyntax.Attribute
}

// key is how expressions name the resource: "aws_lb.main" or "data.archive_file.code".
func (r *resource) key() string {
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

// moduleCall is a module block.
type moduleCall struct {
	name           string
	source         string
	block          *hclsyntax.Block
	count, forEach *hclsyntax.Attribute
	args           map[string]*hclsyntax.Attribute
}

// metaArguments are the block attributes Terraform itself interprets; they never reach the
// resource's own arguments.
var metaArguments = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true, "providers": true, "source": true, "version": true}

// parseModule reads every .tf file of dir. Problems are reported with positions; a module that
// does not parse is returned nil.
func parseModule(dir string, ps *problems, read func(string)) *module {
	read(dir + watchFiles) // a file added to the folder (an override, a .tf.json) changes the module
	entries, err := os.ReadDir(dir)
	if err != nil {
		ps.add(hcl.Range{}, "", "cannot read module folder: %v", err)
		return nil
	}
	m := &module{dir: dir, variables: map[string]*variable{}, locals: map[string]*hclsyntax.Attribute{},
		outputs: map[string]*hclsyntax.Attribute{}, attrNames: map[string]bool{}}
	var files, overrides []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")) {
			continue
		}
		if isOverrideFile(name) {
			overrides = append(overrides, filepath.Join(dir, name))
		} else {
			files = append(files, filepath.Join(dir, name))
		}
	}
	if len(files) == 0 {
		ps.add(hcl.Range{Filename: dir}, "", "no .tf or .tf.json files in %s", dir)
		return nil
	}
	slices.Sort(files)
	slices.Sort(overrides)
	var blocks []*hclsyntax.Block
	var overrideBodies []*hclsyntax.Body
	ok := true
	for _, f := range files {
		read(f)
		body := parseFile(f, ps)
		if body == nil {
			ok = false
			continue
		}
		blocks = append(blocks, body.Blocks...)
		m.collectAttrNames(body)
	}
	for _, f := range overrides {
		read(f)
		body := parseFile(f, ps)
		if body == nil {
			ok = false
			continue
		}
		overrideBodies = append(overrideBodies, body)
		m.collectAttrNames(body)
	}
	if !ok {
		return nil
	}
	for _, b := range applyOverrides(blocks, overrideBodies, ps) {
		m.addBlock(b, ps)
	}
	return m
}

// parseFile parses one .tf or .tf.json file into a native syntax body; nil when it does not
// parse (the problems are reported).
func parseFile(path string, ps *problems) *hclsyntax.Body {
	src, err := readBounded(path)
	if err != nil {
		ps.add(hcl.Range{Filename: path}, "", "%v", err)
		return nil
	}
	var body *hclsyntax.Body
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		body, diags = parseJSONConfig(src, path)
	} else {
		var file *hcl.File
		file, diags = hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if !diags.HasErrors() {
			body = file.Body.(*hclsyntax.Body)
		}
	}
	if diags.HasErrors() {
		ps.addDiags(diags, "")
		return nil
	}
	for name, a := range body.Attributes {
		ps.add(a.NameRange, name, "an argument is not allowed at the top level of a module")
	}
	return body
}

func (m *module) addBlock(b *hclsyntax.Block, ps *problems) {
	want := map[string]int{"variable": 1, "locals": 0, "resource": 2, "data": 2, "module": 1, "output": 1,
		"provider": 1, "terraform": 0, "moved": 0, "import": 0, "removed": 0, "check": 1}
	n, known := want[b.Type]
	if !known {
		ps.add(b.TypeRange, b.Type, "unknown block type %q", b.Type)
		return
	}
	if len(b.Labels) != n {
		ps.add(b.TypeRange, b.Type, "a %s block takes %d label(s), got %d", b.Type, n, len(b.Labels))
		return
	}
	switch b.Type {
	case "variable":
		m.addVariable(b, ps)
	case "locals":
		for name, a := range b.Body.Attributes {
			if prev, dup := m.locals[name]; dup {
				ps.add(a.NameRange, "local."+name, "duplicate local value (also at %s)", pos(prev.NameRange))
			}
			m.locals[name] = a
		}
	case "resource", "data":
		r := &resource{data: b.Type == "data", typ: b.Labels[0], name: b.Labels[1], block: b,
			count: b.Body.Attributes["count"], forEach: b.Body.Attributes["for_each"]}
		for _, prev := range m.resources {
			if prev.key() == r.key() {
				ps.add(b.DefRange(), r.key(), "duplicate %s block (also at %s)", b.Type, pos(prev.block.DefRange()))
				return
			}
		}
		if r.count != nil && r.forEach != nil {
			ps.add(r.count.NameRange, r.key(), "count and for_each cannot both be set")
		}
		m.resources = append(m.resources, r)
	case "module":
		m.addCall(b, ps)
	case "output":
		if v := b.Body.Attributes["value"]; v != nil {
			m.outputs[b.Labels[0]] = v
		}
	case "provider":
		m.providers = append(m.providers, b)
	}
}

func (m *module) addVariable(b *hclsyntax.Block, ps *problems) {
	v := &variable{name: b.Labels[0], typ: cty.DynamicPseudoType, rng: b.DefRange()}
	if _, dup := m.variables[v.name]; dup {
		ps.add(b.DefRange(), "var."+v.name, "duplicate variable")
		return
	}
	if t := b.Body.Attributes["type"]; t != nil {
		ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(t.Expr)
		if diags.HasErrors() {
			ps.addDiags(diags, "var."+v.name+".type")
		} else {
			v.typ, v.defaults = ty, defaults
		}
	}
	if d := b.Body.Attributes["default"]; d != nil {
		val, diags := d.Expr.Value(nil)
		if diags.HasErrors() {
			ps.addDiags(diags, "var."+v.name+".default")
		} else if cv, err := convertVar(v, val); err != nil {
			ps.add(d.Expr.Range(), "var."+v.name+".default", "%v", err)
		} else {
			v.def = cv
		}
	}
	m.variables[v.name] = v
}

func (m *module) addCall(b *hclsyntax.Block, ps *problems) {
	c := &moduleCall{name: b.Labels[0], block: b, count: b.Body.Attributes["count"], forEach: b.Body.Attributes["for_each"],
		args: map[string]*hclsyntax.Attribute{}}
	for _, prev := range m.calls {
		if prev.name == c.name {
			ps.add(b.DefRange(), "module."+c.name, "duplicate module call (also at %s)", pos(prev.block.DefRange()))
			return
		}
	}
	src := b.Body.Attributes["source"]
	if src == nil {
		ps.add(b.DefRange(), "module."+c.name, "source is required")
		return
	}
	v, diags := src.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || v.IsNull() {
		ps.add(src.Expr.Range(), "module."+c.name+".source", "must be a literal string")
		return
	}
	c.source = v.AsString()
	if !strings.HasPrefix(c.source, "./") && !strings.HasPrefix(c.source, "../") {
		ps.add(src.Expr.Range(), "module."+c.name+".source",
			"%q is a registry module or remote source, which Albatross cannot fetch: copy the module into a local folder and use a ./ path", c.source)
		return
	}
	for name, a := range b.Body.Attributes {
		if !metaArguments[name] {
			c.args[name] = a
		}
	}
	m.calls = append(m.calls, c)
}

// collectAttrNames records every name used after a dot in a traversal.
func (m *module) collectAttrNames(body *hclsyntax.Body) {
	_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		var tr hcl.Traversal
		switch e := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			tr = e.Traversal
		case *hclsyntax.RelativeTraversalExpr:
			tr = e.Traversal
		}
		for _, step := range tr {
			if a, ok := step.(hcl.TraverseAttr); ok {
				m.attrNames[a.Name] = true
			}
		}
		return nil
	})
}

// convertVar converts a value to a variable's type, applying optional attribute defaults.
func convertVar(v *variable, val cty.Value) (cty.Value, error) {
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	out, err := convert.Convert(val, v.typ)
	if err != nil {
		return cty.NilVal, fmt.Errorf("not a valid value for variable %s: %v", v.name, err)
	}
	return out, nil
}
