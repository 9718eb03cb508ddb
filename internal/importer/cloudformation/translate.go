package cloudformation

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Result is a translated template.
type Result struct {
	Config *config.Config
	// Sources maps a path of Config (e.g. "load_balancers[0].listeners[1].rules[2]") to the
	// place it came from ("template.yaml:40:3 Resources.ApiRule (AWS::ElasticLoadBalancingV2::ListenerRule)").
	Sources map[string]string
	// Warnings are one line each: skipped resources, substituted runtimes, unavailable functions.
	Warnings []string
	// Watch are the local files and folders the configuration was built from, besides the
	// template itself: function code folders and zips.
	Watch []string
}

// translator carries one translation.
type translator struct {
	t   *Template
	cfg *config.Config
	res *Result
	ps  yamlsrc.Errors
	// Where each translated resource went.
	lbIndex       map[string]int
	listenerIndex map[string][2]int
	tgIndex       map[string]int
	fnIndex       map[string]int
}

// Translate turns the template into a configuration. Every problem is returned at once, as
// yamlsrc.Errors; the Result is returned with them so that callers can show what was built.
func (t *Template) Translate() (*Result, error) {
	x := &translator{t: t, cfg: &config.Config{Region: t.opts.Region, AccountID: t.opts.AccountID},
		res: &Result{Sources: map[string]string{}}, lbIndex: map[string]int{}, listenerIndex: map[string][2]int{},
		tgIndex: map[string]int{}, fnIndex: map[string]int{}}
	x.res.Config = x.cfg
	// Load balancers, target groups and functions first: listeners and rules refer to them.
	passes := [][]string{
		{typeLoadBalancer, typeTargetGroup, typeFunction, typeServerlessFunc},
		{typeListener},
		{typeListenerRule, typeListenerCert},
	}
	for _, types := range passes {
		for _, id := range t.order {
			r := t.resources[id]
			if !r.enabled || !contains(types, r.typ) {
				continue
			}
			x.resource(r)
		}
	}
	for _, id := range t.order {
		r := t.resources[id]
		switch {
		case !r.enabled:
			x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: skipped %s (%s): its Condition is false", t.where(r.key, r.id), t.origin(id), r.typ))
		case r.typ == typeVersion || r.typ == typeAlias:
			// Versions and aliases are resolved where a target names them (their ARNs invoke
			// the function); their provisioned concurrency pre-starts its environments.
			x.provisionedConcurrency(r)
		case r.typ == typePermission:
			// Permissions always allow the load balancer here.
		case !translated(r.typ):
			x.res.Warnings = append(x.res.Warnings, fmt.Sprintf("%s: skipped %s (%s): Albatross does not run this resource type", t.where(r.key, r.id), t.origin(id), r.typ))
		}
	}
	return x.res, x.ps.Err()
}

func translated(typ string) bool {
	switch typ {
	case typeLoadBalancer, typeTargetGroup, typeFunction, typeServerlessFunc, typeListener, typeListenerRule, typeListenerCert:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// where is "file:line:col" of n.
func (t *Template) where(n *yaml.Node, id string) string {
	if n == nil {
		return t.fileOf(id)
	}
	return fmt.Sprintf("%s:%d:%d", t.fileOf(id), n.Line, n.Column)
}

// source records where a config item came from.
func (x *translator) source(cfgPath string, r *resource) {
	x.res.Sources[cfgPath] = fmt.Sprintf("%s %s (%s)", x.t.where(r.key, r.id), x.t.origin(r.id), r.typ)
}

func (x *translator) resource(r *resource) {
	p := x.props(r)
	switch r.typ {
	case typeLoadBalancer:
		x.loadBalancer(r, p)
	case typeTargetGroup:
		x.targetGroup(r, p)
	case typeFunction:
		x.function(r, p)
	case typeServerlessFunc:
		x.samFunction(r)
	case typeListener:
		x.listener(r, p)
	case typeListenerRule:
		x.listenerRule(r, p)
	case typeListenerCert:
		x.listenerCertificate(r, p)
	}
}

// props reads one resource's properties, evaluating each on demand, with positioned problems.
type props struct {
	x    *translator
	r    *resource
	node *yaml.Node
	path string
}

func (x *translator) props(r *resource) props {
	return props{x: x, r: r, node: r.props, path: x.t.origin(r.id) + ".Properties"}
}

// at is the node to position a problem about property name (the property, else the resource).
func (p props) at(name string) *yaml.Node {
	if n := nodeAt(p.node, name); n != nil {
		return n
	}
	if p.node != nil {
		return p.node
	}
	return p.r.node
}

func (p props) problem(name, format string, args ...any) {
	p.x.ps.At(p.x.t.fileOf(p.r.id), p.at(name), joinPath(p.path, name), format, args...)
}

// value evaluates property name; nil when absent, and nil after reporting when it fails.
func (p props) value(name string) any {
	n := yamlsrc.Get(p.node, name)
	if n == nil {
		return nil
	}
	v, err := p.x.t.eval(n, joinPath(p.path, name))
	if err != nil {
		if err.File == p.x.t.opts.File {
			err.File = p.x.t.fileOf(p.r.id)
		}
		p.x.ps = append(p.x.ps, *err)
		return nil
	}
	if u, ok := v.(unknown); ok {
		p.problem(name, "%s", u.why)
		return nil
	}
	if v == noValue {
		return nil
	}
	return v
}

// envValue evaluates Environment keeping unknown variables (they are left out with a warning).
func (p props) envValue() any {
	n := yamlsrc.Get(p.node, "Environment")
	if n == nil {
		return nil
	}
	v, err := p.x.t.eval(n, joinPath(p.path, "Environment"))
	if err != nil {
		p.x.ps = append(p.x.ps, *err)
		return nil
	}
	return v
}

// str is a string property ("" when absent or bad).
func (p props) str(name string) string {
	return p.x.str(p.value(name), p, name)
}

// intp is an integer property, nil when absent.
func (p props) intp(name string) *int {
	return p.x.intp(p.value(name), p, name)
}

func (p props) boolp(name string) *bool {
	return p.x.boolp(p.value(name), p, name)
}

// str turns an evaluated value into a string; sub names the element for problems.
func (x *translator) str(v any, p props, sub string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case unknown:
		p.problem(sub, "%s", v.why)
	default:
		p.problem(sub, "must be a string, got %s", describe(v))
	}
	return ""
}

func (x *translator) intp(v any, p props, sub string) *int {
	s := x.str(v, p, sub)
	if s == "" {
		return nil
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		p.problem(sub, "must be an integer, got %q", s)
		return nil
	}
	return &i
}

func (x *translator) boolp(v any, p props, sub string) *bool {
	s := x.str(v, p, sub)
	switch s {
	case "":
		return nil
	case "true", "True", "TRUE":
		b := true
		return &b
	case "false", "False", "FALSE":
		b := false
		return &b
	}
	p.problem(sub, "must be true or false, got %q", s)
	return nil
}

// m reads key of an evaluated map value.
func m(v any, key string) any {
	if mm, ok := v.(map[string]any); ok {
		return mm[key]
	}
	return nil
}

// has reads key of an evaluated map value and says whether it is there.
func has(v any, key string) (any, bool) {
	mm, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	e, ok := mm[key]
	return e, ok
}

// list is an evaluated value as a list (a scalar stands for a list of one).
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// strings is an evaluated list of strings.
func (x *translator) strings(v any, p props, sub string) []string {
	var out []string
	for i, e := range list(v) {
		out = append(out, x.str(e, p, sub+"["+itoa(i)+"]"))
	}
	return out
}

// keyValues reads [{Key, Value}] into a map (load balancer, listener and target group attributes).
func (x *translator) keyValues(v any, p props, sub string) map[string]string {
	items := list(v)
	if len(items) == 0 {
		return nil
	}
	out := map[string]string{}
	for i, e := range items {
		ep := sub + "[" + itoa(i) + "]"
		k := x.str(m(e, "Key"), p, ep+".Key")
		out[k] = x.str(m(e, "Value"), p, ep+".Value")
	}
	return out
}

// nodeAt follows a property path ("Actions[0].ForwardConfig.TargetGroups[1].Weight") as far as
// the source has it literally, so a problem points at the innermost node it can.
func nodeAt(n *yaml.Node, path string) *yaml.Node {
	var found *yaml.Node
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			if n = yamlsrc.Get(n, key); n == nil {
				return found
			}
			found = n
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			rest = strings.TrimPrefix(after, "[")
			i, err := strconv.Atoi(idx)
			n = yamlsrc.Deref(n)
			if err != nil || n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return found
			}
			n = yamlsrc.Deref(n.Content[i])
			found = n
		}
	}
	return found
}
