package serverless

import (
	"fmt"
	"strconv"
	"strings"

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
	// packages are the code folders built from package patterns, by pattern set; fileList is
	// the service folder's files, listed once; watchDir says a package was built from it.
	packages map[string]string
	fileList []string
	watchDir bool
	// targetAliases are the aliases alb targets name, by function key; aliases are the alias
	// resources to add to the template.
	targetAliases map[string]string
	aliases       map[string]*yaml.Node
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
		for aid, alias := range c.aliases {
			set(resources, aid, alias)
		}
		clear(c.aliases)
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
		c.code[id] = c.codeLocation(name, fn)
	}
	if rc := g("reservedConcurrency"); rc != nil && !yamlsrc.IsNull(rc) {
		// functions.js sets it when it is truthy or 0.
		if _, ok := wholeNumber(rc); ok {
			set(props, "ReservedConcurrentExecutions", rc)
		} else {
			c.errs.At(c.file, rc, p+".reservedConcurrency", "must be a whole number of 0 or more")
		}
	}
	if pc := g("provisionedConcurrency"); pc != nil && !yamlsrc.IsNull(pc) {
		c.provisioned(name, id, pc)
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

// provisioned compiles provisionedConcurrency as functions.js does: a non-zero value makes the
// alias <Fn>ProvConcLambdaAlias, named "provisioned", with ProvisionedConcurrencyConfig, and the
// function's alb targets name that alias (resolve-lambda-target.js). Albatross holds one version
// of a function, so the alias points at it; the CloudFormation importer turns the alias's
// provisioned concurrency into the function's pre-started environments.
func (c *compiler) provisioned(name, fnID string, pc *yaml.Node) {
	n, ok := wholeNumber(pc)
	if !ok {
		c.errs.At(c.file, pc, "functions."+name+".provisionedConcurrency", "must be a whole number of 0 or more")
		return
	}
	if n == 0 {
		return
	}
	at := pc
	c.targetAliases[name] = provisionedAlias
	c.aliases[normalizeName(name)+"ProvConcLambdaAlias"] = mapNode(at,
		"Type", sNode("AWS::Lambda::Alias", at),
		"Properties", mapNode(at,
			"FunctionName", mapNode(at, "Ref", sNode(fnID, at)),
			"FunctionVersion", sNode("$LATEST", at),
			"Name", sNode(provisionedAlias, at),
			"ProvisionedConcurrencyConfig", mapNode(at, "ProvisionedConcurrentExecutions", iNode(n, at))),
		"DependsOn", sNode(fnID, at))
	c.origins[normalizeName(name)+"ProvConcLambdaAlias"] = "functions." + name + ".provisionedConcurrency"
}

// provisionedAlias is naming.getLambdaProvisionedConcurrencyAliasName.
const provisionedAlias = "provisioned"

// wholeNumber reads a non-negative whole number (a number, or a string of one, as Serverless's
// Number() does).
func wholeNumber(n *yaml.Node) (int, bool) {
	n = yamlsrc.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}
