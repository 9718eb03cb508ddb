// Package cloudformation translates a CloudFormation or SAM template into Albatross's
// configuration model: ELBv2 load balancers, listeners, rules, target groups and listener
// certificates, and Lambda functions (with their permissions, versions and aliases), evaluating
// every intrinsic function and pseudo parameter the way CloudFormation would for one stack.
// Every other resource type is skipped, unless a property Albatross needs depends on it.
package cloudformation

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Options are the inputs a template needs from outside.
type Options struct {
	// File names the template in messages (e.g. "template.yaml").
	File string
	// Dir is the folder relative paths (SAM CodeUri) are resolved against.
	Dir string
	// Params are the stack parameters (--param NAME=VALUE).
	Params map[string]string
	// Values holds external values (Fn::ImportValue, SSM parameters, S3 code, target addresses).
	Values *values.File
	// StackName is AWS::StackName. Default: "albatross".
	StackName string
	// Region and AccountID are AWS::Region and AWS::AccountId (defaults us-east-1 and
	// 000000000000, as in the configuration model).
	Region, AccountID string
	// CacheDir receives inline code and unpacked zips. Default: the user cache directory.
	CacheDir string
	// Origins overrides, per logical id, the path problems and comments name (the Serverless
	// importer points generated resources at the events they came from).
	Origins map[string]string
	// Code gives, per logical id, a function's local code folder or zip outright (the
	// Serverless importer knows it from the service folder).
	Code map[string]string
	// Files names the source file of a logical id when it is not File (a Serverless service's
	// resources may come from ${file()}). Unused when empty.
	Files map[string]string
}

// Template is a parsed template, ready to evaluate.
type Template struct {
	opts       Options
	root       *yaml.Node
	params     map[string]*parameter
	mappings   *yaml.Node
	conditions map[string]*yaml.Node
	condMemo   map[string]condState
	resources  map[string]*resource
	order      []string
	globals    *yaml.Node
	errs       yamlsrc.Errors
	depth      int
	naming     map[string]bool
	arns       map[string]string
}

type condState struct {
	busy, done, value bool
}

// resource is one entry of Resources.
type resource struct {
	id, typ string
	// key is the resource's key in Resources: where problems and comments about it point.
	key   *yaml.Node
	node  *yaml.Node
	props *yaml.Node
	// enabled is false when the resource's Condition is false.
	enabled bool
}

// origin is the path problems about r name.
func (t *Template) origin(id string) string {
	if o, ok := t.opts.Origins[id]; ok {
		return o
	}
	return "Resources." + id
}

// Parse reads a template (YAML with short tags, or JSON) and checks its sections: parameter
// values, conditions, resource shapes and DependsOn. Problems are returned together.
func Parse(data []byte, opts Options) (*Template, error) {
	root, err := yamlsrc.Parse(opts.File, data)
	if err != nil {
		return nil, err
	}
	return FromNode(root, opts)
}

// FromNode builds a Template from an already parsed document (the Serverless importer builds
// one from serverless.yml).
func FromNode(root *yaml.Node, opts Options) (*Template, error) {
	if opts.StackName == "" {
		opts.StackName = "albatross"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	t := &Template{opts: opts, root: root, params: map[string]*parameter{}, conditions: map[string]*yaml.Node{},
		condMemo: map[string]condState{}, resources: map[string]*resource{}, naming: map[string]bool{}, arns: map[string]string{}}
	if root == nil || root.Kind != yaml.MappingNode {
		t.errs.At(opts.File, root, "", "a template is a map with Resources, got %s", yamlsrc.Kind(root))
		return nil, t.errs
	}
	t.checkIntrinsics(root, "")
	t.readParameters()
	t.mappings = yamlsrc.Get(root, "Mappings")
	keys, vals := yamlsrc.Pairs(yamlsrc.Get(root, "Conditions"))
	for i, k := range keys {
		t.conditions[k.Value] = vals[i]
	}
	t.globals = yamlsrc.Get(yamlsrc.Get(root, "Globals"), "Function")
	t.readResources()
	if len(t.errs) > 0 {
		return nil, t.errs
	}
	return t, nil
}

func (t *Template) readResources() {
	res := yamlsrc.Get(t.root, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		t.errs.At(t.opts.File, t.root, "Resources", "is required: a map of logical id to resource")
		return
	}
	keys, vals := yamlsrc.Pairs(res)
	for i, k := range keys {
		id, n := k.Value, vals[i]
		p := t.origin(id)
		typ := yamlsrc.Get(n, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.Value == "" {
			t.errs.At(t.fileOf(id), n, p+".Type", "is required")
			continue
		}
		r := &resource{id: id, typ: typ.Value, key: k, node: n, props: yamlsrc.Get(n, "Properties"), enabled: true}
		t.resources[id] = r
		t.order = append(t.order, id)
	}
	t.samAliases()
	for _, id := range t.order {
		r := t.resources[id]
		if c := yamlsrc.Get(r.node, "Condition"); c != nil {
			if _, ok := t.conditions[c.Value]; !ok || c.Kind != yaml.ScalarNode {
				t.errs.At(t.fileOf(id), c, t.origin(id)+".Condition", "condition %q is not defined in Conditions", c.Value)
			} else if v, err := t.condition(c.Value, c); err != nil {
				t.errs = append(t.errs, *err)
			} else {
				r.enabled = v
			}
		}
		t.checkDependsOn(r)
	}
}

func (t *Template) checkDependsOn(r *resource) {
	d := yamlsrc.Get(r.node, "DependsOn")
	if d == nil {
		return
	}
	names := []*yaml.Node{d}
	if d.Kind == yaml.SequenceNode {
		names = d.Content
	}
	for i, n := range names {
		p := t.origin(r.id) + ".DependsOn"
		if d.Kind == yaml.SequenceNode {
			p += "[" + itoa(i) + "]"
		}
		if _, ok := t.resources[n.Value]; !ok || n.Kind != yaml.ScalarNode {
			t.errs.At(t.fileOf(r.id), n, p, "resource %q is not defined in Resources", n.Value)
		}
	}
}

func (t *Template) fileOf(id string) string {
	if f, ok := t.opts.Files[id]; ok {
		return f
	}
	return t.opts.File
}

// ResourceIDs returns the logical ids in template order.
func (t *Template) ResourceIDs() []string { return append([]string(nil), t.order...) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// samAliases adds the alias SAM generates for a function with AutoPublishAlias: logical id
// <Function>Alias<Name>, also reachable as !Ref <Function>.Alias.
func (t *Template) samAliases() {
	for _, id := range append([]string(nil), t.order...) {
		r := t.resources[id]
		if r.typ != typeServerlessFunc {
			continue
		}
		alias := yamlsrc.Get(mergeGlobals(t.globals, r.props), "AutoPublishAlias")
		if alias == nil || alias.Kind != yaml.ScalarNode || alias.Value == "" {
			continue
		}
		s := func(v string) *yaml.Node {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: alias.Line, Column: alias.Column}
		}
		ref := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{s("Ref"), s(id)}}
		props := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{s("FunctionName"), ref, s("Name"), alias}}
		aliasID := id + "Alias" + alias.Value
		if _, taken := t.resources[aliasID]; taken {
			continue
		}
		t.resources[aliasID] = &resource{id: aliasID, typ: typeAlias, key: alias, node: alias, props: props, enabled: true}
		t.resources[id+".Alias"] = t.resources[aliasID]
		t.order = append(t.order, aliasID)
	}
}
