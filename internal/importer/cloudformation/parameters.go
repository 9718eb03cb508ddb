package cloudformation

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// parameter is one entry of Parameters with the value in force.
type parameter struct {
	name  string
	typ   string
	node  *yaml.Node
	value any // string, or []any of strings for list types
}

// readParameters takes each parameter's value from --param, else its Default, and checks it
// against the parameter's constraints as CloudFormation does at stack creation.
func (t *Template) readParameters() {
	keys, vals := yamlsrc.Pairs(yamlsrc.Get(t.root, "Parameters"))
	declared := map[string]bool{}
	for i, k := range keys {
		name, n := k.Value, vals[i]
		declared[name] = true
		p := "Parameters." + name
		typ := scalar(yamlsrc.Get(n, "Type"))
		if typ == "" {
			t.errs.At(t.opts.File, n, p+".Type", "is required")
			continue
		}
		raw, given := t.opts.Params[name]
		if !given {
			d := yamlsrc.Get(n, "Default")
			if d == nil {
				t.errs.At(t.opts.File, k, p, "needs a value: pass --param %s=VALUE (it has no Default)", name)
				continue
			}
			raw = defaultString(d)
		}
		par := &parameter{name: name, typ: typ, node: n}
		if inner, ok := strings.CutPrefix(typ, "AWS::SSM::Parameter::Value<"); ok {
			// The parameter's value is an SSM parameter name; the stack sees its value.
			v, err := t.opts.Values.Value("ssm:" + raw)
			if err != nil {
				t.errs.At(t.opts.File, k, p, "%v", err)
				continue
			}
			if strings.HasPrefix(inner, "List<") || strings.HasPrefix(inner, "CommaDelimitedList") {
				par.value = listOf(v)
			} else {
				par.value = toString(v)
			}
			t.params[name] = par
			continue
		}
		if isListType(typ) {
			items := []any{}
			if raw != "" {
				for _, s := range strings.Split(raw, ",") {
					items = append(items, strings.TrimSpace(s))
				}
			}
			par.value = items
		} else {
			par.value = raw
		}
		t.checkConstraints(par, k, p)
		t.params[name] = par
	}
	for _, name := range sortedKeys(t.opts.Params) {
		if !declared[name] {
			t.errs.At(t.opts.File, yamlsrc.Get(t.root, "Parameters"), "Parameters", "--param %s: the template has no parameter %q", name, name)
		}
	}
}

func isListType(typ string) bool {
	return strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList"
}

// defaultString is a Default as CloudFormation sees it: lists in JSON templates are joined.
func defaultString(n *yaml.Node) string {
	if n.Kind == yaml.SequenceNode {
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = c.Value
		}
		return strings.Join(parts, ",")
	}
	return n.Value
}

func (t *Template) checkConstraints(par *parameter, k *yaml.Node, p string) {
	items := []string{}
	if l, ok := par.value.([]any); ok {
		for _, v := range l {
			items = append(items, v.(string))
		}
	} else {
		items = append(items, par.value.(string))
	}
	n := par.node
	if av := yamlsrc.Get(n, "AllowedValues"); av != nil && av.Kind == yaml.SequenceNode {
		allowed := make([]string, len(av.Content))
		for i, c := range av.Content {
			allowed[i] = c.Value
		}
		for _, v := range items {
			if !slices.Contains(allowed, v) {
				t.errs.At(t.opts.File, k, p, "value %q is not one of AllowedValues %v", v, allowed)
			}
		}
	}
	if ap := yamlsrc.Get(n, "AllowedPattern"); ap != nil {
		re, err := regexp.Compile("^(?:" + ap.Value + ")$")
		if err != nil {
			t.errs.At(t.opts.File, ap, p+".AllowedPattern", "is not a valid pattern: %v", err)
		} else {
			for _, v := range items {
				if !re.MatchString(v) {
					t.errs.At(t.opts.File, k, p, "value %q does not match AllowedPattern %s", v, ap.Value)
				}
			}
		}
	}
	for _, v := range items {
		if l, ok := intOf(yamlsrc.Get(n, "MinLength")); ok && len(v) < l {
			t.errs.At(t.opts.File, k, p, "value %q is shorter than MinLength %d", v, l)
		}
		if l, ok := intOf(yamlsrc.Get(n, "MaxLength")); ok && len(v) > l {
			t.errs.At(t.opts.File, k, p, "value %q is longer than MaxLength %d", v, l)
		}
		if par.typ == "Number" || par.typ == "List<Number>" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.errs.At(t.opts.File, k, p, "value %q is not a number", v)
				continue
			}
			if m, ok := floatOf(yamlsrc.Get(n, "MinValue")); ok && f < m {
				t.errs.At(t.opts.File, k, p, "value %s is below MinValue %v", v, m)
			}
			if m, ok := floatOf(yamlsrc.Get(n, "MaxValue")); ok && f > m {
				t.errs.At(t.opts.File, k, p, "value %s is above MaxValue %v", v, m)
			}
		}
	}
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func intOf(n *yaml.Node) (int, bool) {
	if n == nil {
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	return v, err == nil
}

func floatOf(n *yaml.Node) (float64, bool) {
	if n == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	return v, err == nil
}

func itoa(i int) string { return strconv.Itoa(i) }
