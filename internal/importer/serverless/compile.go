package serverless

import (
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// compiler turns the resolved service into a CloudFormation template.
type compiler struct {
	r           *resolver
	file, dir   string
	errs        yamlsrc.Errors
	warnings    []string
	service     string
	stage       string
	tgPrefix    string
	authorizers *yaml.Node
	// origins and code go to the CloudFormation importer: what each generated logical id came
	// from, and each function's code location.
	origins map[string]string
	code    map[string]string
	// files names the file of resources that ${file()} brought in.
	files map[string]string
}

func (c *compiler) compile() *yaml.Node {
	r := c.r
	svc := r.at("service")
	switch {
	case svc == nil:
		c.errs.At(c.file, r.root, "service", "is required")
	case svc.Kind == yaml.MappingNode:
		c.service = scalarValue(yamlsrc.Get(svc, "name"))
	default:
		c.service = svc.Value
	}
	if svc != nil && c.service == "" {
		c.errs.At(c.file, svc, "service", "must name the service")
	}
	if p := r.at("provider", "name"); p != nil && scalarValue(p) != "aws" {
		c.errs.At(c.file, p, "provider.name", "%q: only the aws provider has alb events", p.Value)
	}
	c.stage = r.stage()
	c.tgPrefix = scalarValue(r.at("provider", "alb", "targetGroupPrefix"))
	c.authorizers = r.at("provider", "alb", "authorizers")

	resources := mapNode(r.root)
	var events []*albEvent
	for _, fn := range c.functions() {
		id, res := c.function(fn.name, fn.node)
		if res == nil {
			continue
		}
		set(resources, id, res)
		c.origins[id] = "functions." + fn.name
		for i, ev := range asList(yamlsrc.Get(fn.node, "events")) {
			alb := yamlsrc.Get(ev, "alb")
			if alb == nil {
				if ev.Kind == yaml.MappingNode && len(ev.Content) > 0 {
					c.warnings = append(c.warnings, fmt.Sprintf("%s:%d:%d: skipped functions.%s.events[%d]: %s events are not served by a load balancer", c.file, ev.Line, ev.Column, fn.name, i, ev.Content[0].Value))
				}
				continue
			}
			r.resolve(alb, fmt.Sprintf("functions.%s.events[%d].alb", fn.name, i))
			if e := c.albEvent(fn.name, i, alb); e != nil {
				events = append(events, e)
			}
		}
	}
	events = c.checkPriorities(events)
	for _, e := range events {
		tgID, tg := c.targetGroup(e)
		c.origins[tgID] = e.path // a later event of the function replaces the target group, as in Serverless
		set(resources, tgID, tg)
		ruleID, rule := c.listenerRule(e)
		if old, dup := c.origins[ruleID]; dup {
			c.warnings = append(c.warnings, fmt.Sprintf("%s:%d:%d: %s replaces %s: the same function, listener and priority give the same logical id %s, and Serverless keeps the last", c.file, e.priorityNode.Line, e.priorityNode.Column, e.path, old, ruleID))
		}
		c.origins[ruleID] = e.path
		set(resources, ruleID, rule)
		for id, p := range c.permissions(e) {
			set(resources, id, p)
		}
	}
	tmpl := mapNode(r.root, "AWSTemplateFormatVersion", sNode("2010-09-09", r.root))
	// resources (a map, or a list of maps merged in order) is merged over the compiled
	// template with lodash's merge, as Serverless does.
	for _, res := range asList(r.at("resources")) {
		for _, section := range []string{"Resources", "Conditions", "Mappings", "Parameters", "Outputs"} {
			sec := yamlsrc.Get(res, section)
			if sec == nil {
				continue
			}
			r.resolve(sec, "resources."+section)
			if section == "Resources" {
				keys, _ := yamlsrc.Pairs(sec)
				for _, k := range keys {
					if f, ok := c.r.fileOf[k]; ok {
						c.files[k.Value] = f
					}
					if _, generated := c.origins[k.Value]; !generated {
						c.origins[k.Value] = "resources.Resources." + k.Value
					}
				}
				resources = merge(resources, sec)
				continue
			}
			set(tmpl, section, merge(yamlsrc.Get(tmpl, section), sec))
		}
	}
	set(tmpl, "Resources", resources)
	return tmpl
}

type namedFunction struct {
	name string
	node *yaml.Node
}

// functions lists functions (a map, or a list of maps) in file order.
func (c *compiler) functions() []namedFunction {
	var out []namedFunction
	seen := map[string]bool{}
	for _, m := range asList(yamlsrc.Get(c.r.root, "functions")) {
		c.r.resolve(m, "functions")
		keys, vals := yamlsrc.Pairs(m)
		for i, k := range keys {
			if seen[k.Value] {
				continue
			}
			seen[k.Value] = true
			out = append(out, namedFunction{k.Value, vals[i]})
		}
	}
	return out
}

// function compiles one function as lib/plugins/aws/package/compile/functions.js does, for the
// properties that matter here.
func (c *compiler) function(name string, fn *yaml.Node) (string, *yaml.Node) {
	r := c.r
	p := "functions." + name
	id := normalizeName(name) + "LambdaFunction"
	if fn == nil || fn.Kind != yaml.MappingNode {
		c.errs.At(c.file, fn, p, "must be a map with a handler")
		return "", nil
	}
	g := func(k string) *yaml.Node { return yamlsrc.Get(fn, k) }
	prov := func(k string) *yaml.Node { return r.at("provider", k) }
	at := fn
	fname := g("name")
	if fname == nil {
		fname = sNode(c.service+"-"+c.stage+"-"+name, fn)
	}
	mem := firstOf(g("memorySize"), prov("memorySize"), iNode(1024, fn))
	timeout := firstOf(g("timeout"), prov("timeout"), iNode(6, fn))
	props := mapNode(at, "FunctionName", fname, "MemorySize", mem, "Timeout", timeout, "Description", g("description"))
	if img := g("image"); img != nil {
		uri := img
		if img.Kind == yaml.MappingNode {
			uri = firstOf(yamlsrc.Get(img, "uri"), sNode(scalarValue(yamlsrc.Get(img, "name")), img))
		}
		set(props, "PackageType", sNode("Image", img))
		set(props, "Code", mapNode(img, "ImageUri", uri))
	} else {
		h := g("handler")
		if h == nil {
			c.errs.At(c.file, fn, p+".handler", "is required (or image)")
			return "", nil
		}
		set(props, "Handler", h)
		set(props, "Runtime", firstOf(g("runtime"), prov("runtime"), sNode("nodejs16.x", fn)))
		set(props, "Code", mapNode(at, "S3Bucket", sNode("serverless-deployment-bucket", at), "S3Key", sNode(c.service+".zip", at)))
		c.code[id] = c.codeLocation(fn)
	}
	env := merge(prov("environment"), g("environment"))
	if env != nil {
		set(props, "Environment", mapNode(at, "Variables", env))
	}
	res := mapNode(at, "Type", sNode("AWS::Lambda::Function", at), "Properties", props)
	if cond := g("condition"); cond != nil {
		set(res, "Condition", cond)
	}
	if dep := g("dependsOn"); dep != nil {
		set(res, "DependsOn", seqNode(dep, asList(dep)...))
	}
	return id, res
}

// codeLocation is where a function's code is: its package.artifact, the service's
// package.artifact, else the service folder itself.
func (c *compiler) codeLocation(fn *yaml.Node) string {
	for _, a := range []*yaml.Node{yamlsrc.Get(yamlsrc.Get(fn, "package"), "artifact"), c.r.at("package", "artifact")} {
		if a != nil && a.Value != "" {
			if filepath.IsAbs(a.Value) {
				return a.Value
			}
			return filepath.Join(c.dir, a.Value)
		}
	}
	return c.dir
}

func firstOf(ns ...*yaml.Node) *yaml.Node {
	for _, n := range ns {
		if n != nil && !yamlsrc.IsNull(n) {
			return n
		}
	}
	return nil
}

// scalarValue is n's text, "" when n is absent or not a scalar.
func scalarValue(n *yaml.Node) string {
	n = yamlsrc.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
