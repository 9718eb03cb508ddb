package cloudformation

import (
	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// condition evaluates the named condition of Conditions, once.
func (t *Template) condition(name string, at *yaml.Node) (bool, *yamlsrc.Error) {
	st := t.condMemo[name]
	if st.done {
		return st.value, nil
	}
	n, ok := t.conditions[name]
	if !ok {
		return false, t.evalErr(at, "", "condition %q is not defined in Conditions", name)
	}
	if st.busy {
		return false, t.evalErr(n, "Conditions."+name, "condition %s refers to itself", name)
	}
	t.condMemo[name] = condState{busy: true}
	v, err := t.condExpr(n, "Conditions."+name)
	if err != nil {
		delete(t.condMemo, name)
		return false, err
	}
	t.condMemo[name] = condState{done: true, value: v}
	return v, nil
}

// condExpr evaluates a condition function: Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition.
func (t *Template) condExpr(n *yaml.Node, path string) (bool, *yamlsrc.Error) {
	fn, arg := intrinsic(yamlsrc.Deref(n))
	p := path + "." + fn
	switch fn {
	case "Condition":
		if arg == nil || arg.Kind != yaml.ScalarNode {
			return false, t.evalErr(n, p, "takes a condition name")
		}
		return t.condition(arg.Value, arg)
	case "Fn::Equals":
		if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return false, t.evalErr(n, p, "takes [value, value]")
		}
		a, err := t.evalString(arg.Content[0], p+"[0]")
		if err != nil {
			return false, err
		}
		b, err := t.evalString(arg.Content[1], p+"[1]")
		if err != nil {
			return false, err
		}
		return a == b, nil
	case "Fn::Not":
		if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 1 {
			return false, t.evalErr(n, p, "takes [condition]")
		}
		v, err := t.condExpr(arg.Content[0], p+"[0]")
		return !v, err
	case "Fn::And", "Fn::Or":
		if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) < 2 || len(arg.Content) > 10 {
			return false, t.evalErr(n, p, "takes 2 to 10 conditions")
		}
		and := fn == "Fn::And"
		for i, c := range arg.Content {
			v, err := t.condExpr(c, p+"["+itoa(i)+"]")
			if err != nil {
				return false, err
			}
			if v != and {
				return v, nil
			}
		}
		return and, nil
	}
	// A condition may also be a literal or an intrinsic that yields "true"/"false".
	v, err := t.evalString(n, path)
	if err != nil {
		return false, err
	}
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, t.evalErr(n, path, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, got %q", v)
}
