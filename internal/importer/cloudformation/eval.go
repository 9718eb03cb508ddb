package cloudformation

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Evaluated values are string (every scalar: CloudFormation passes numbers and booleans on as
// text), []any, map[string]any, noValue (AWS::NoValue: the property is left out) and unknown (a
// value that exists only in AWS, such as a skipped resource's id; using it is a problem).
type noValueType struct{}

var noValue = noValueType{}

// maxEvalDepth bounds nested evaluation.
const maxEvalDepth = 200

type unknown struct{ why string }

// knownIntrinsics are the intrinsic functions CloudFormation defines; the last five are parsed
// but not evaluated by Albatross (none of them shapes routing in practice).
var knownIntrinsics = map[string]bool{
	"Ref": true, "Fn::GetAtt": true, "Fn::Sub": true, "Fn::Join": true, "Fn::Select": true,
	"Fn::Split": true, "Fn::If": true, "Fn::Equals": true, "Fn::And": true, "Fn::Or": true,
	"Fn::Not": true, "Fn::FindInMap": true, "Fn::GetAZs": true, "Fn::ImportValue": true,
	"Fn::Base64": true, "Condition": true,
	"Fn::Cidr": false, "Fn::Transform": false, "Fn::Length": false, "Fn::ToJsonString": false, "Fn::ForEach": false,
}

// checkIntrinsics refuses unknown Fn:: functions anywhere in the template, with their position.
func (t *Template) checkIntrinsics(n *yaml.Node, path string) {
	n = yamlsrc.Deref(n)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 2 && strings.HasPrefix(n.Content[0].Value, "Fn::") {
			if _, ok := knownIntrinsics[n.Content[0].Value]; !ok {
				t.errs.At(t.opts.File, n.Content[0], path, "unknown intrinsic function %s", n.Content[0].Value)
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			t.checkIntrinsics(n.Content[i+1], joinPath(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			t.checkIntrinsics(c, path+"["+itoa(i)+"]")
		}
	}
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

// evalErr builds a positioned problem.
func (t *Template) evalErr(n *yaml.Node, path, format string, args ...any) *yamlsrc.Error {
	e := &yamlsrc.Error{File: t.opts.File, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// intrinsic returns the function name and argument of a one-key intrinsic map, or "".
func intrinsic(n *yaml.Node) (string, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return "", nil
	}
	k := n.Content[0].Value
	if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
		return k, yamlsrc.Deref(n.Content[1])
	}
	return "", nil
}

// eval evaluates n with every intrinsic function resolved.
func (t *Template) eval(n *yaml.Node, path string) (any, *yamlsrc.Error) {
	n = yamlsrc.Deref(n)
	if n == nil {
		return nil, nil
	}
	// Names and ARNs are evaluated from properties that may refer back to the resource
	// (Name: !Ref Self): a cycle is a problem, never a stack overflow.
	t.depth++
	defer func() { t.depth-- }()
	if t.depth > maxEvalDepth {
		return nil, t.evalErr(n, path, "references form a cycle (or nest deeper than %d)", maxEvalDepth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := t.eval(c, path+"["+itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			if v != noValue {
				out = append(out, v)
			}
		}
		return out, nil
	case yaml.MappingNode:
		if fn, arg := intrinsic(n); fn != "" && fn != "Condition" {
			return t.call(fn, arg, n, path)
		}
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			v, err := t.eval(n.Content[i+1], joinPath(path, k))
			if err != nil {
				return nil, err
			}
			if v != noValue {
				out[k] = v
			}
		}
		return out, nil
	}
	return nil, t.evalErr(n, path, "unsupported YAML node")
}

func (t *Template) call(fn string, arg, n *yaml.Node, path string) (any, *yamlsrc.Error) {
	switch fn {
	case "Ref":
		return t.ref(arg, path)
	case "Fn::GetAtt":
		return t.getAtt(arg, path)
	case "Fn::Sub":
		return t.sub(arg, path)
	case "Fn::Join":
		return t.join(arg, path)
	case "Fn::Select":
		return t.selectFn(arg, path)
	case "Fn::Split":
		return t.split(arg, path)
	case "Fn::If":
		return t.ifFn(arg, path)
	case "Fn::FindInMap":
		return t.findInMap(arg, path)
	case "Fn::GetAZs":
		r := t.opts.Region
		return []any{r + "a", r + "b", r + "c"}, nil
	case "Fn::ImportValue":
		name, err := t.evalString(arg, path+".Fn::ImportValue")
		if err != nil {
			return nil, err
		}
		v, verr := t.opts.Values.Value("import:" + name)
		if verr != nil {
			return nil, t.evalErr(arg, path, "Fn::ImportValue %s: %v", name, verr)
		}
		return normalize(v), nil
	case "Fn::Base64":
		s, err := t.evalString(arg, path+".Fn::Base64")
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		b, err := t.condExpr(n, path)
		if err != nil {
			return nil, err
		}
		return strconv.FormatBool(b), nil
	}
	if supported, known := knownIntrinsics[fn]; known && !supported {
		return nil, t.evalErr(n, path, "%s is not supported by Albatross", fn)
	}
	return nil, t.evalErr(n, path, "unknown intrinsic function %s", fn)
}

// evalString evaluates n to a string; a list, map or unknown value is a problem.
func (t *Template) evalString(n *yaml.Node, path string) (string, *yamlsrc.Error) {
	v, err := t.eval(n, path)
	if err != nil {
		return "", err
	}
	return t.asString(v, n, path)
}

func (t *Template) asString(v any, n *yaml.Node, path string) (string, *yamlsrc.Error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case nil:
		return "", nil
	case unknown:
		return "", t.evalErr(n, path, "%s", v.why)
	default:
		return "", t.evalErr(n, path, "must be a string, got %s", describe(v))
	}
}

func describe(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case noValueType:
		return "AWS::NoValue"
	}
	return fmt.Sprintf("%T", v)
}

// normalize turns a value from the values file into the evaluator's shapes (all scalars text).
func normalize(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case nil:
		return nil
	default:
		return toString(v)
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func listOf(v any) []any {
	switch v := v.(type) {
	case []any:
		return normalize(v).([]any)
	case string:
		out := []any{}
		for _, s := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(s))
		}
		return out
	}
	return []any{toString(v)}
}

func (t *Template) join(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::Join"
	if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil, t.evalErr(arg, p, "takes [delimiter, [values...]]")
	}
	delim, err := t.evalString(arg.Content[0], p+"[0]")
	if err != nil {
		return nil, err
	}
	list, err := t.eval(arg.Content[1], p+"[1]")
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok {
		if u, isUnknown := list.(unknown); isUnknown {
			return u, nil
		}
		return nil, t.evalErr(arg.Content[1], p+"[1]", "must be a list, got %s", describe(list))
	}
	parts := make([]string, len(items))
	for i, it := range items {
		if u, isUnknown := it.(unknown); isUnknown {
			return u, nil
		}
		s, err := t.asString(it, arg.Content[1], p+"[1]["+itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		parts[i] = s
	}
	return strings.Join(parts, delim), nil
}

func (t *Template) selectFn(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::Select"
	if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil, t.evalErr(arg, p, "takes [index, list]")
	}
	is, err := t.evalString(arg.Content[0], p+"[0]")
	if err != nil {
		return nil, err
	}
	i, convErr := strconv.Atoi(is)
	list, err := t.eval(arg.Content[1], p+"[1]")
	if err != nil {
		return nil, err
	}
	if u, ok := list.(unknown); ok {
		return u, nil
	}
	items, ok := list.([]any)
	switch {
	case !ok:
		return nil, t.evalErr(arg.Content[1], p+"[1]", "must be a list, got %s", describe(list))
	case convErr != nil || i < 0 || i >= len(items):
		return nil, t.evalErr(arg.Content[0], p+"[0]", "index %q is out of range for a list of %d", is, len(items))
	}
	return items[i], nil
}

func (t *Template) split(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::Split"
	if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil, t.evalErr(arg, p, "takes [delimiter, string]")
	}
	delim, err := t.evalString(arg.Content[0], p+"[0]")
	if err != nil {
		return nil, err
	}
	v, err := t.eval(arg.Content[1], p+"[1]")
	if err != nil {
		return nil, err
	}
	if u, ok := v.(unknown); ok {
		return u, nil
	}
	s, err := t.asString(v, arg.Content[1], p+"[1]")
	if err != nil {
		return nil, err
	}
	if delim == "" {
		return nil, t.evalErr(arg.Content[0], p+"[0]", "the delimiter must not be empty")
	}
	out := []any{}
	for _, part := range strings.Split(s, delim) {
		out = append(out, part)
	}
	return out, nil
}

func (t *Template) ifFn(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::If"
	if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return nil, t.evalErr(arg, p, "takes [condition, value if true, value if false]")
	}
	name := arg.Content[0]
	if name.Kind != yaml.ScalarNode {
		return nil, t.evalErr(name, p+"[0]", "must name a condition")
	}
	b, err := t.condition(name.Value, name)
	if err != nil {
		return nil, err
	}
	if b {
		return t.evalRef(arg.Content[1], p+"[1]")
	}
	return t.evalRef(arg.Content[2], p+"[2]")
}

// evalRef is eval where a bare {Ref: AWS::NoValue} leaves the value out.
func (t *Template) evalRef(n *yaml.Node, path string) (any, *yamlsrc.Error) {
	return t.eval(n, path)
}

func (t *Template) findInMap(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::FindInMap"
	if arg == nil || arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return nil, t.evalErr(arg, p, "takes [map name, top-level key, second-level key]")
	}
	keys := make([]string, 3)
	for i := range keys {
		s, err := t.evalString(arg.Content[i], p+"["+itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		keys[i] = s
	}
	m := yamlsrc.Get(t.mappings, keys[0])
	if m == nil {
		return nil, t.evalErr(arg.Content[0], p+"[0]", "mapping %q is not defined in Mappings", keys[0])
	}
	top := yamlsrc.Get(m, keys[1])
	if top == nil {
		return nil, t.evalErr(arg.Content[1], p+"[1]", "mapping %s has no key %q", keys[0], keys[1])
	}
	v := yamlsrc.Get(top, keys[2])
	if v == nil {
		if len(arg.Content) == 4 {
			if d := yamlsrc.Get(arg.Content[3], "DefaultValue"); d != nil {
				return t.eval(d, p+"[3].DefaultValue")
			}
		}
		return nil, t.evalErr(arg.Content[2], p+"[2]", "mapping %s.%s has no key %q", keys[0], keys[1], keys[2])
	}
	return t.eval(v, "Mappings."+keys[0]+"."+keys[1]+"."+keys[2])
}

// sub implements both forms of Fn::Sub: "text with ${Name} and ${Res.Attr}" and [text, {vars}].
func (t *Template) sub(arg *yaml.Node, path string) (any, *yamlsrc.Error) {
	p := path + ".Fn::Sub"
	text := arg
	var vars *yaml.Node
	if arg != nil && arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 {
			return nil, t.evalErr(arg, p, "takes a string or [string, {variables}]")
		}
		text, vars = arg.Content[0], arg.Content[1]
	}
	if text == nil || text.Kind != yaml.ScalarNode {
		return nil, t.evalErr(arg, p, "takes a string or [string, {variables}]")
	}
	s := text.Value
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, t.evalErr(text, p, "unterminated ${ in %q", text.Value)
		}
		name := strings.TrimSpace(s[i+2 : i+end])
		s = s[i+end+1:]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + lit + "}")
			continue
		}
		var v any
		var err *yamlsrc.Error
		if vn := yamlsrc.Get(vars, name); vn != nil {
			v, err = t.eval(vn, p+"[1]."+name)
		} else if res, attr, dotted := strings.Cut(name, "."); dotted {
			v, err = t.attribute(res, attr, text, p)
		} else {
			v, err = t.refName(name, text, p)
		}
		if err != nil {
			return nil, err
		}
		if u, ok := v.(unknown); ok {
			return u, nil
		}
		str, err := t.asString(v, text, p+" ${"+name+"}")
		if err != nil {
			return nil, err
		}
		b.WriteString(str)
	}
	return b.String(), nil
}
