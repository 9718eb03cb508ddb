package terraform

import (
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Override files (override.tf, *_override.tf and their .tf.json forms) are merged into the
// blocks of the primary files after those are read, in lexical order of file name and then in
// file order, as Terraform does (docs: "Override Files"):
//   - a top-level block merges into the primary block with the same header (type and labels);
//     with none, it is an error, as in Terraform;
//   - an argument replaces the argument of the same name;
//   - nested blocks of a type replace all nested blocks of that type (static or dynamic);
//   - locals are replaced value by value, whichever locals block holds them;
//   - depends_on is not allowed in an override block.
//
// The lifecycle, provisioner and connection blocks Terraform merges specially have no effect in
// Albatross, and terraform, moved, import, removed and check blocks are not read, so they are
// not merged.

// isOverrideFile reports whether a file name is one of an override file.
func isOverrideFile(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// applyOverrides merges the top-level blocks of override bodies into the primary blocks.
func applyOverrides(primary []*hclsyntax.Block, overrides []*hclsyntax.Body, ps *problems) []*hclsyntax.Block {
	for _, ob := range overrides {
		for _, b := range ob.Blocks {
			switch b.Type {
			case "terraform", "moved", "import", "removed", "check":
				continue
			case "locals":
				overrideLocals(primary, b, ps)
				continue
			}
			if (b.Type == "resource" || b.Type == "data" || b.Type == "output") && b.Body.Attributes["depends_on"] != nil {
				ps.add(b.Body.Attributes["depends_on"].NameRange, b.Type+"."+strings.Join(b.Labels, "."),
					"depends_on is not allowed in an override block")
			}
			i := slices.IndexFunc(primary, func(p *hclsyntax.Block) bool { return sameHeader(p, b) })
			if i < 0 {
				ps.add(b.DefRange(), b.Type+"."+strings.Join(b.Labels, "."),
					"there is no %s block %q in the primary files to override (an override file only changes blocks defined elsewhere)",
					b.Type, strings.Join(b.Labels, "."))
				continue
			}
			merged := *primary[i]
			merged.Body = mergeBody(primary[i].Body, b.Body)
			primary[i] = &merged
		}
	}
	return primary
}

// sameHeader compares block headers; providers are told apart by their alias, as Terraform
// addresses them (aws, aws.west).
func sameHeader(a, b *hclsyntax.Block) bool {
	if a.Type != b.Type || !slices.Equal(a.Labels, b.Labels) {
		return false
	}
	if a.Type == "provider" {
		return literalString(a.Body.Attributes["alias"]) == literalString(b.Body.Attributes["alias"])
	}
	return true
}

func literalString(a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return ""
	}
	return v.AsString()
}

// mergeBody returns base with over's arguments and nested block types put in place of its own.
func mergeBody(base, over *hclsyntax.Body) *hclsyntax.Body {
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: base.SrcRange, EndRange: base.EndRange}
	for name, a := range base.Attributes {
		out.Attributes[name] = a
	}
	for name, a := range over.Attributes {
		out.Attributes[name] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[generatedType(b)] = true
	}
	for _, b := range base.Blocks {
		if !replaced[generatedType(b)] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	out.Blocks = append(out.Blocks, over.Blocks...)
	return out
}

// generatedType is the block type a nested block makes: its own, or a dynamic block's label.
func generatedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

// overrideLocals replaces each local value of an override locals block where it is defined.
func overrideLocals(primary []*hclsyntax.Block, over *hclsyntax.Block, ps *problems) {
	for _, name := range slices.Sorted(maps.Keys(over.Body.Attributes)) {
		a := over.Body.Attributes[name]
		found := false
		for i, p := range primary {
			if p.Type != "locals" || p.Body.Attributes[name] == nil {
				continue
			}
			merged := *p
			merged.Body = mergeBody(p.Body, &hclsyntax.Body{Attributes: hclsyntax.Attributes{name: a}})
			primary[i] = &merged
			found = true
			break
		}
		if !found {
			ps.add(a.NameRange, "local."+name, "there is no local value %q in the primary files to override", name)
		}
	}
}
