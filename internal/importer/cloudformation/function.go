package cloudformation

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/lambdart"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// function translates AWS::Lambda::Function.
func (x *translator) function(r *resource, p props) {
	f := x.functionBase(r, p)
	code := p.value("Code")
	switch {
	case p.str("PackageType") == "Image" || m(code, "ImageUri") != nil:
		x.unavailable(r, &f, lambdart.Image(x.str(m(code, "ImageUri"), p, "Code.ImageUri")))
	case m(code, "ZipFile") != nil:
		f.Code = x.inline(x.str(m(code, "ZipFile"), p, "Code.ZipFile"), f.Runtime, p, "Code.ZipFile")
	case f.Unavailable != "":
		// Albatross does not run it: its code is not needed.
	default:
		f.Code = x.codeFrom(r, p, "Code", s3URL(x, m(code, "S3Bucket"), m(code, "S3Key"), p, "Code"), f.FunctionName)
	}
	x.addFunction(r, f)
}

// functionBase reads the properties AWS::Lambda::Function and AWS::Serverless::Function share
// and chooses the runtime.
func (x *translator) functionBase(r *resource, p props) config.Function {
	f := config.Function{
		FunctionName:                 x.t.name(r),
		Handler:                      p.str("Handler"),
		Timeout:                      p.intp("Timeout"),
		MemorySize:                   p.intp("MemorySize"),
		ReservedConcurrentExecutions: p.intp("ReservedConcurrentExecutions"),
		Description:                  p.str("Description"),
	}
	if env := p.envValue(); env != nil {
		vars := map[string]string{}
		if vm, ok := m(env, "Variables").(map[string]any); ok {
			for _, k := range sortedKeys(vm) {
				if u, isUnknown := vm[k].(unknown); isUnknown {
					// A function's settings are not the load balancer: the variable is left out
					// and the function still runs.
					x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: %s.Environment.Variables.%s left out: %s",
						x.t.where(p.at("Environment"), r.id), p.path, k, u.why))
					continue
				}
				vars[k] = x.str(vm[k], p, "Environment.Variables."+k)
			}
		}
		f.Environment = &config.Environment{Variables: vars}
	}
	if rt := p.str("Runtime"); rt != "" {
		choice := lambdart.Resolve(rt)
		f.Runtime = choice.Runtime
		if choice.Warning != "" {
			x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: %s: %s", x.t.where(p.at("Runtime"), r.id), x.t.origin(r.id), choice.Warning))
		}
		if choice.Unavailable != "" {
			x.unavailable(r, &f, choice)
		}
	}
	return f
}

func (x *translator) unavailable(r *resource, f *config.Function, c lambdart.Choice) {
	if f.Unavailable != "" {
		return
	}
	f.Unavailable = c.Unavailable
	x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: %s: function %s is unavailable: %s; requests routed to it get 502", x.t.where(r.key, r.id), x.t.origin(r.id), f.FunctionName, c.Unavailable))
}

func (x *translator) addFunction(r *resource, f config.Function) {
	if f.Unavailable != "" {
		f.Code, f.Handler = "", ""
	}
	x.fnIndex[r.id] = len(x.cfg.Functions)
	x.source(fmt.Sprintf("functions[%d]", len(x.cfg.Functions)), r)
	x.cfg.Functions = append(x.cfg.Functions, f)
}

// s3URL is the s3:// URI of an S3 code location; "" when it cannot be known here (a bucket
// made by the same stack): the code is then looked up by function name alone.
func s3URL(x *translator, bucket, key any, p props, sub string) string {
	if _, ok := bucket.(unknown); ok {
		return ""
	}
	if _, ok := key.(unknown); ok {
		return ""
	}
	b := x.str(bucket, p, sub+".S3Bucket")
	k := x.str(key, p, sub+".S3Key")
	if b == "" && k == "" {
		return ""
	}
	return "s3://" + b + "/" + k
}

// samFunction translates AWS::Serverless::Function with the template's Globals.Function merged
// in as SAM merges them: maps key by key, lists appended, scalars replaced.
func (x *translator) samFunction(r *resource) {
	merged := mergeGlobals(x.t.globals, r.props)
	p := props{x: x, r: r, node: merged, path: x.t.origin(r.id) + ".Properties"}
	f := x.functionBase(r, p)
	switch {
	case p.str("PackageType") == "Image" || p.value("ImageUri") != nil:
		x.unavailable(r, &f, lambdart.Image(p.str("ImageUri")))
	case f.Unavailable != "":
	case p.value("InlineCode") != nil:
		f.Code = x.inline(p.str("InlineCode"), f.Runtime, p, "InlineCode")
	default:
		uri := p.value("CodeUri")
		loc := ""
		switch u := uri.(type) {
		case string:
			loc = u
		case map[string]any:
			loc = s3URL(x, u["Bucket"], u["Key"], p, "CodeUri")
		case nil:
			if !yamlProp(p, "CodeUri") {
				p.problem("CodeUri", "is required (or InlineCode, or ImageUri)")
			}
		default:
			p.problem("CodeUri", "must be a path, an S3 URI or {Bucket, Key}")
		}
		if loc != "" && !strings.HasPrefix(loc, "s3://") {
			if !filepath.IsAbs(loc) {
				loc = filepath.Join(x.t.opts.Dir, loc)
			}
			f.Code = x.materialize(loc, p, "CodeUri")
		} else if loc != "" {
			f.Code = x.codeFrom(r, p, "CodeUri", loc, f.FunctionName)
		}
	}
	if pc := p.value("ProvisionedConcurrencyConfig"); pc != nil {
		// SAM puts it on the AutoPublishAlias; the alias runs this function.
		if n := x.intp(m(pc, "ProvisionedConcurrentExecutions"), p, "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions"); n != nil {
			f.ProvisionedConcurrency = *n
		}
	}
	x.addFunction(r, f)
}

func mergeGlobals(globals, props *yaml.Node) *yaml.Node {
	if globals == nil {
		return props
	}
	return mergeNode(globals, props)
}

func mergeNode(g, l *yaml.Node) *yaml.Node {
	g, l = yamlsrc.Deref(g), yamlsrc.Deref(l)
	switch {
	case l == nil:
		return g
	case g == nil:
		return l
	case g.Kind == yaml.MappingNode && l.Kind == yaml.MappingNode:
		if fn, _ := intrinsic(l); fn != "" {
			return l
		}
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: l.Line, Column: l.Column}
		keys := map[string]bool{}
		gk, gv := yamlsrc.Pairs(g)
		for i, k := range gk {
			keys[k.Value] = true
			out.Content = append(out.Content, k, mergeNode(gv[i], yamlsrc.Get(l, k.Value)))
		}
		lk, lv := yamlsrc.Pairs(l)
		for i, k := range lk {
			if !keys[k.Value] {
				out.Content = append(out.Content, k, lv[i])
			}
		}
		return out
	case g.Kind == yaml.SequenceNode && l.Kind == yaml.SequenceNode:
		out := *l
		out.Content = append(append([]*yaml.Node{}, g.Content...), l.Content...)
		return &out
	}
	return l
}

// provisionedConcurrency adds a version's or alias's ProvisionedConcurrencyConfig to the
// function's provisioned_concurrency: environments started at once and kept warm. Albatross
// holds one version of a function, so the provisioned concurrency of all its versions and
// aliases adds up on it; validation keeps the sum within its reserved concurrency.
func (x *translator) provisionedConcurrency(r *resource) {
	p := x.props(r)
	pc := p.value("ProvisionedConcurrencyConfig")
	if pc == nil {
		return
	}
	n := x.intp(m(pc, "ProvisionedConcurrentExecutions"), p, "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions")
	if n == nil {
		p.problem("ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions", "is required")
		return
	}
	name := functionNameOf(p.str("FunctionName"))
	for i := range x.cfg.Functions {
		if x.cfg.Functions[i].FunctionName == name {
			x.cfg.Functions[i].ProvisionedConcurrency += *n
			return
		}
	}
	x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: %s.ProvisionedConcurrencyConfig has no effect: %q is not a function of this template",
		x.t.where(p.at("ProvisionedConcurrencyConfig"), r.id), p.path, name))
}
