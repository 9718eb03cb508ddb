package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// A .tf.json file is read with HCL's JSON parser and turned into the native syntax tree the rest
// of the package evaluates, keeping source positions. JSON cannot say whether a property is an
// argument or a nested block; Terraform decides by the provider's schema, so the nested block
// types of the resources Albatross reads are listed here (jsonSchemas), and every other
// property is an argument. A string is a template ("${aws_lb.main.arn}"), except where
// Terraform reads an expression (a variable's type, a dynamic block's iterator) or a literal
// (a variable's default), as Terraform's JSON syntax does.

// nested lists the nested block types of a body, each with its own nested types.
type nested map[string]nested

// actionBlocks are the nested blocks of default_action and action.
var actionBlocks = nested{
	"authenticate_cognito": {}, "authenticate_oidc": {}, "jwt_validation": {"additional_claim": {}},
	"fixed_response": {}, "forward": {"target_group": {}, "stickiness": {}}, "redirect": {},
}

// jsonSchemas are the nested block types of the resources and data sources Albatross reads,
// from the AWS and archive providers' schemas (aws_alb_* share them, see canonical).
var jsonSchemas = map[string]nested{
	"aws_lb": {"access_logs": {}, "connection_logs": {}, "subnet_mapping": {}, "minimum_load_balancer_capacity": {},
		"ipam_pools": {}, "timeouts": {}},
	"aws_lb_listener": {"default_action": actionBlocks, "mutual_authentication": {}, "timeouts": {}},
	"aws_lb_listener_rule": {"action": actionBlocks, "transform": {
		"host_header_rewrite_config": {"rewrite": {}}, "url_rewrite_config": {"rewrite": {}}},
		"condition": {"host_header": {}, "http_header": {}, "http_request_method": {}, "path_pattern": {},
			"query_string": {}, "source_ip": {}}},
	"aws_lb_target_group": {"health_check": {}, "stickiness": {}, "target_failover": {}, "target_health_state": {},
		"target_group_health": {"dns_failover": {}, "unhealthy_state_routing": {}}},
	"aws_lambda_function": {"environment": {}, "vpc_config": {}, "dead_letter_config": {}, "tracing_config": {},
		"file_system_config": {}, "image_config": {}, "ephemeral_storage": {}, "snap_start": {}, "logging_config": {},
		"timeouts": {}},
	"aws_lambda_alias":  {"routing_config": {}},
	"data.archive_file": {"source": {}},
}

// topLevel are the block types of a module file and their labels.
var topLevel = []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "terraform"},
	{Type: "moved"}, {Type: "import"}, {Type: "removed"},
	{Type: "check", LabelNames: []string{"name"}},
}

// exprMode says how a JSON string is read.
type exprMode int

const (
	modeTemplate exprMode = iota
	modeExpression
	modeLiteral
)

// parseJSONConfig parses a .tf.json file into a native syntax body.
func parseJSONConfig(src []byte, path string) (*hclsyntax.Body, hcl.Diagnostics) {
	f, diags := hcljson.Parse(src, path)
	if diags.HasErrors() {
		return nil, diags
	}
	content, rest, diags := f.Body.PartialContent(&hcl.BodySchema{Blocks: topLevel})
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: rest.MissingItemRange(), EndRange: rest.MissingItemRange()}
	if leftover, ldiags := rest.JustAttributes(); !ldiags.HasErrors() {
		for name, a := range leftover {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported block type",
				Detail: "Blocks of type \"" + name + "\" are not expected here.", Subject: a.NameRange.Ptr()})
		}
	}
	for _, b := range content.Blocks {
		var schema nested
		var modes map[string]exprMode
		switch b.Type {
		case "resource":
			schema = withMeta(jsonSchemas[canonical(b.Labels[0])])
		case "data":
			schema = withMeta(jsonSchemas["data."+b.Labels[0]])
		case "variable":
			schema, modes = nested{"validation": {}}, map[string]exprMode{"type": modeExpression, "default": modeLiteral}
		case "output":
			schema = nested{"precondition": {}}
		case "terraform", "moved", "import", "removed", "check":
			// Nothing in them is read: keep the block, without its content.
			out.Blocks = append(out.Blocks, syntaxBlock(b, &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: b.DefRange, EndRange: b.DefRange}))
			continue
		}
		body, bdiags := jsonBody(b.Body, schema, modes)
		diags = append(diags, bdiags...)
		out.Blocks = append(out.Blocks, syntaxBlock(b, body))
	}
	return out, diags
}

// withMeta adds the blocks every resource may hold to a resource's schema.
func withMeta(schema nested) nested {
	out := nested{"lifecycle": {}, "connection": {}, "provisioner": {}}
	for k, v := range schema {
		out[k] = v
	}
	return out
}

// metaLabels are the nested blocks that take a label.
var metaLabels = map[string][]string{"provisioner": {"type"}, "dynamic": {"type"}}

// jsonBody converts a JSON body: the schema's nested blocks (and dynamic blocks of them) are
// blocks, every other property an argument.
func jsonBody(body hcl.Body, schema nested, modes map[string]exprMode) (*hclsyntax.Body, hcl.Diagnostics) {
	bs := &hcl.BodySchema{}
	for typ := range schema {
		bs.Blocks = append(bs.Blocks, hcl.BlockHeaderSchema{Type: typ, LabelNames: metaLabels[typ]})
	}
	bs.Blocks = append(bs.Blocks, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: metaLabels["dynamic"]})
	content, rest, diags := body.PartialContent(bs)
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: body.MissingItemRange(), EndRange: body.MissingItemRange()}
	attrs, adiags := rest.JustAttributes()
	diags = append(diags, adiags...)
	for name, a := range attrs {
		out.Attributes[name] = &hclsyntax.Attribute{Name: name, Expr: jsonExpr(a.Expr, modes[name], &diags),
			SrcRange: a.Range, NameRange: a.NameRange, EqualsRange: a.NameRange}
	}
	for _, b := range content.Blocks {
		var child *hclsyntax.Body
		var cdiags hcl.Diagnostics
		if b.Type == "dynamic" {
			child, cdiags = jsonDynamic(b.Body, schema[b.Labels[0]])
		} else {
			child, cdiags = jsonBody(b.Body, schema[b.Type], nil)
		}
		diags = append(diags, cdiags...)
		out.Blocks = append(out.Blocks, syntaxBlock(b, child))
	}
	return out, diags
}

// jsonDynamic converts a dynamic block's body: for_each, iterator (a name) and labels, and a
// content block with the schema of the block type it generates.
func jsonDynamic(body hcl.Body, schema nested) (*hclsyntax.Body, hcl.Diagnostics) {
	return jsonBody(body, nested{"content": schema}, map[string]exprMode{"iterator": modeExpression})
}

func syntaxBlock(b *hcl.Block, body *hclsyntax.Body) *hclsyntax.Block {
	return &hclsyntax.Block{Type: b.Type, Labels: b.Labels, Body: body, TypeRange: b.TypeRange,
		LabelRanges: b.LabelRanges, OpenBraceRange: b.DefRange, CloseBraceRange: body.EndRange}
}

// jsonExpr converts a JSON value to a native expression: arrays to tuples, objects to objects
// (their keys are templates too), strings as the mode says, other values to literals.
func jsonExpr(e hcl.Expression, mode exprMode, diags *hcl.Diagnostics) hclsyntax.Expression {
	rng := e.Range()
	if mode == modeLiteral {
		v, _ := e.Value(nil)
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	if l, ok := e.(interface{ ExprList() []hcl.Expression }); ok {
		if elems := l.ExprList(); elems != nil {
			t := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: rng}
			for _, el := range elems {
				t.Exprs = append(t.Exprs, jsonExpr(el, mode, diags))
			}
			return t
		}
	}
	if m, ok := e.(interface{ ExprMap() []hcl.KeyValuePair }); ok {
		if pairs := m.ExprMap(); pairs != nil {
			o := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: rng}
			for _, kv := range pairs {
				o.Items = append(o.Items, hclsyntax.ObjectConsItem{
					KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: jsonExpr(kv.Key, modeTemplate, diags), ForceNonLiteral: true},
					ValueExpr: jsonExpr(kv.Value, mode, diags),
				})
			}
			return o
		}
	}
	v, vdiags := e.Value(nil)
	if vdiags.HasErrors() || v.Type() != cty.String {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	// The string's content starts after its opening quote; escapes the JSON parser removed
	// shift later columns, as in HCL's own JSON evaluation.
	start := hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1}
	var (
		x  hclsyntax.Expression
		ds hcl.Diagnostics
	)
	if mode == modeExpression {
		x, ds = hclsyntax.ParseExpression([]byte(v.AsString()), rng.Filename, start)
	} else {
		x, ds = hclsyntax.ParseTemplate([]byte(v.AsString()), rng.Filename, start)
	}
	*diags = append(*diags, ds...)
	if ds.HasErrors() {
		return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
	}
	return x
}
