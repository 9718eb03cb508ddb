package terraform

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// block is an evaluated block body: its arguments with their values and expressions (kept for
// positions and for explaining unknown values) and its nested blocks in source order, with
// dynamic blocks expanded.
type block struct {
	typ    string
	path   string // resource path for messages: aws_lb_listener_rule.api.condition[0]
	rng    hcl.Range
	prefix string // the scope prefix, for explaining unknown values
	attrs  map[string]*attr
	blocks []*block
}

// attr is an evaluated argument. Errors are kept, not reported: an argument Albatross does not
// read (tags, subnets, a role) may fail or be unknown without harm; the converter reports an
// argument's errors when it reads it.
type attr struct {
	name  string
	path  string
	val   cty.Value
	diags hcl.Diagnostics
	expr  hcl.Expression
}

// resourceOnlyBlocks are nested blocks of a resource that Terraform itself interprets.
var resourceOnlyBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

// evalBody evaluates a body. top marks a resource's own body, whose meta-arguments are left out.
func (s *scope) evalBody(body *hclsyntax.Body, path string, extra map[string]cty.Value, top bool) *block {
	b := &block{path: path, rng: body.SrcRange, prefix: s.prefix, attrs: map[string]*attr{}}
	names := slices.SortedFunc(maps.Keys(body.Attributes), func(x, y string) int {
		return body.Attributes[x].SrcRange.Start.Byte - body.Attributes[y].SrcRange.Start.Byte
	})
	for _, name := range names {
		if top && metaArguments[name] {
			continue
		}
		a := body.Attributes[name]
		val, diags := s.eval(a.Expr, extra)
		if diags.HasErrors() {
			val = cty.DynamicVal
		}
		b.attrs[name] = &attr{name: name, path: path + "." + name, val: val, diags: diags, expr: a.Expr}
	}
	count := map[string]int{}
	for _, nb := range body.Blocks {
		if top && resourceOnlyBlocks[nb.Type] {
			continue
		}
		if nb.Type == "dynamic" && len(nb.Labels) == 1 {
			b.blocks = append(b.blocks, s.expandDynamic(nb, path, extra, count)...)
			continue
		}
		child := s.evalBody(nb.Body, fmt.Sprintf("%s.%s[%d]", path, nb.Type, count[nb.Type]), extra, false)
		child.typ, child.rng = nb.Type, nb.DefRange()
		count[nb.Type]++
		b.blocks = append(b.blocks, child)
	}
	return b
}

// expandDynamic expands a dynamic block: one block per element of for_each, with the iterator
// (named after the block unless iterator says otherwise) holding key and value.
func (s *scope) expandDynamic(nb *hclsyntax.Block, path string, extra map[string]cty.Value, count map[string]int) []*block {
	label := nb.Labels[0]
	where := fmt.Sprintf("%s.dynamic.%s", path, label)
	fe := nb.Body.Attributes["for_each"]
	var content *hclsyntax.Block
	for _, c := range nb.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if fe == nil || content == nil {
		s.ev.ps.add(nb.DefRange(), where, "a dynamic block needs for_each and a content block")
		return nil
	}
	iterName := label
	if it := nb.Body.Attributes["iterator"]; it != nil {
		if tr, diags := hcl.AbsTraversalForExpr(it.Expr); !diags.HasErrors() && len(tr) == 1 {
			iterName = tr.RootName()
		} else {
			s.ev.ps.add(it.Expr.Range(), where+".iterator", "must be a single name")
			return nil
		}
	}
	v, diags := s.eval(fe.Expr, extra)
	if diags.HasErrors() {
		s.ev.ps.addDiags(diags, where+".for_each")
		return nil
	}
	if !v.IsWhollyKnown() {
		s.ev.reportUnknown(fe.Expr, where+".for_each", s.prefix)
		return nil
	}
	if v.IsNull() || !v.CanIterateElements() {
		s.ev.ps.add(fe.Expr.Range(), where+".for_each", "must be a collection")
		return nil
	}
	var out []*block
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		inner := maps.Clone(extra)
		if inner == nil {
			inner = map[string]cty.Value{}
		}
		inner[iterName] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})
		child := s.evalBody(content.Body, fmt.Sprintf("%s.%s[%d]", path, label, count[label]), inner, false)
		child.typ, child.rng = label, nb.DefRange()
		count[label]++
		out = append(out, child)
	}
	return out
}

// object is the block as references see it: arguments, and nested blocks as tuples by type.
func (b *block) object() map[string]cty.Value {
	out := map[string]cty.Value{}
	for name, a := range b.attrs {
		out[name] = a.val
	}
	nested := map[string][]cty.Value{}
	for _, c := range b.blocks {
		nested[c.typ] = append(nested[c.typ], cty.ObjectVal(c.object()))
	}
	for typ, vs := range nested {
		if _, clash := out[typ]; !clash {
			out[typ] = cty.TupleVal(vs)
		}
	}
	return out
}

// children returns the nested blocks of one type.
func (b *block) children(typ string) []*block {
	var out []*block
	for _, c := range b.blocks {
		if c.typ == typ {
			out = append(out, c)
		}
	}
	return out
}
