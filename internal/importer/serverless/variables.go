package serverless

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// resolver resolves Serverless Framework variables (${source:address, fallback}) in place, on
// demand: only the parts of serverless.yml that the load balancer and its functions use are
// resolved, so that a variable in an unrelated section (a deployment bucket, a plugin's
// settings) needs no value here.
type resolver struct {
	file, dir string
	root      *yaml.Node
	opts      Options
	errs      yamlsrc.Errors
	state     map[*yaml.Node]int // 1 resolving, 2 done
	files     map[string]*yaml.Node
	// fileOf names the file a node came from (${file()} content).
	fileOf map[*yaml.Node]string
	watch  []string
	depth  int
}

const (
	resolving = 1
	resolved  = 2
	// maxDepth bounds nested and chained variables (a chain of self references is legitimate,
	// an endless one is not).
	maxDepth = 64
)

// errUndefined is a variable whose source has no such value (so a fallback applies).
type undefinedError struct{ what string }

func (e undefinedError) Error() string { return e.what }

// at resolves the subtree at a dotted path of the document and returns it (nil if absent).
func (r *resolver) at(path ...string) *yaml.Node {
	n := r.root
	p := ""
	for _, k := range path {
		n = r.shallow(n, p)
		n = yamlsrc.Get(n, k)
		p = joinPath(p, k)
		if n == nil {
			return nil
		}
	}
	r.resolve(n, p)
	return n
}

// shallow resolves n only when n itself is a variable (which may stand for a map or a list):
// walking down to one key must not resolve the siblings of the path.
func (r *resolver) shallow(n *yaml.Node, path string) *yaml.Node {
	n = yamlsrc.Deref(n)
	if n != nil && n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		r.resolve(n, path)
	}
	return n
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

// resolve replaces every variable in n's subtree.
func (r *resolver) resolve(n *yaml.Node, path string) {
	n = yamlsrc.Deref(n)
	if n == nil || r.state[n] == resolved {
		return
	}
	if r.state[n] == resolving {
		r.errs.At(r.fileFor(n), n, path, "variable refers to itself")
		return
	}
	r.state[n] = resolving
	defer func() { r.state[n] = resolved }()
	switch n.Kind {
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "${") && n.Tag != "!!binary" {
			r.scalar(n, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			r.resolve(n.Content[i+1], joinPath(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			r.resolve(c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func (r *resolver) fileFor(n *yaml.Node) string {
	if f, ok := r.fileOf[n]; ok {
		return f
	}
	return r.file
}

// scalar resolves one string: a string that is exactly one variable takes the variable's value
// (a list, a map, a number); otherwise every variable is replaced by its text.
func (r *resolver) scalar(n *yaml.Node, path string) {
	s := n.Value
	start, end, ok := findVariable(s)
	if ok && start == 0 && end == len(s) {
		v, err := r.variable(s[2:end-1], n, path)
		if err != nil {
			r.errs.At(r.fileFor(n), n, path, "%s", err)
			return
		}
		line, col := n.Line, n.Column
		*n = *v
		n.Line, n.Column = line, col
		return
	}
	out, err := r.interpolate(s, n, path)
	if err != nil {
		r.errs.At(r.fileFor(n), n, path, "%s", err)
		return
	}
	n.Value, n.Tag, n.Style = out, "!!str", 0
}

// interpolate replaces every ${...} in s by its value's text.
func (r *resolver) interpolate(s string, n *yaml.Node, path string) (string, error) {
	var b strings.Builder
	for {
		start, end, ok := findVariable(s)
		if !ok {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:start])
		v, err := r.variable(s[start+2:end-1], n, path)
		if err != nil {
			return "", err
		}
		if v.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("${%s} is %s and cannot be part of a string", s[start+2:end-1], yamlsrc.Kind(v))
		}
		b.WriteString(v.Value)
		s = s[end:]
	}
}

// findVariable finds the first ${...} in s with nested variables balanced; end is past '}'.
func findVariable(s string) (start, end int, ok bool) {
	start = strings.Index(s, "${")
	if start < 0 {
		return 0, 0, false
	}
	depth := 0
	for i := start; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}':
			depth--
			if depth == 0 {
				return start, i + 1, true
			}
		}
	}
	return 0, 0, false
}

// variable resolves the inside of ${...}: nested variables first, then the first of the
// comma-separated alternatives that has a value.
func (r *resolver) variable(expr string, n *yaml.Node, path string) (*yaml.Node, error) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		return nil, fmt.Errorf("${%s}: variables nest deeper than %d", expr, maxDepth)
	}
	inner, err := r.interpolate(expr, n, path)
	if err != nil {
		return nil, err
	}
	alts := splitTopLevel(inner)
	for i, alt := range alts {
		alt = strings.TrimSpace(alt)
		v, err := r.source(alt, n, path)
		var undef undefinedError
		switch {
		case err == nil && !yamlsrc.IsNull(v):
			return v, nil
		case err == nil || asUndefined(err, &undef):
			if i == len(alts)-1 {
				if err == nil {
					return v, nil // an explicit null is a value
				}
				if len(alts) > 1 {
					return nil, fmt.Errorf("${%s}: no alternative has a value (%s)", expr, err)
				}
				return nil, fmt.Errorf("${%s}: %s", expr, err)
			}
		default:
			return nil, fmt.Errorf("${%s}: %s", expr, err)
		}
	}
	return nil, fmt.Errorf("${%s}: empty variable", expr)
}

func asUndefined(err error, u *undefinedError) bool {
	if e, ok := err.(undefinedError); ok {
		*u = e
		return true
	}
	return false
}

// splitTopLevel splits on commas outside quotes and parentheses.
func splitTopLevel(s string) []string {
	var out []string
	depth, quote, last := 0, byte(0), 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[last:i])
			last = i + 1
		}
	}
	return append(out, s[last:])
}

var (
	numberRe = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	sourceRe = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*)(\(([^)]*)\))?:(.*)$`)
)

func str(v string, n *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: n.Line, Column: n.Column}
}

// source resolves one alternative: a literal or source:address.
func (r *resolver) source(alt string, n *yaml.Node, path string) (*yaml.Node, error) {
	switch {
	case len(alt) >= 2 && (alt[0] == '\'' || alt[0] == '"') && alt[len(alt)-1] == alt[0]:
		return str(alt[1:len(alt)-1], n), nil
	case numberRe.MatchString(alt):
		tag := "!!int"
		if strings.Contains(alt, ".") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: alt, Line: n.Line, Column: n.Column}, nil
	case alt == "true" || alt == "false":
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: alt, Line: n.Line, Column: n.Column}, nil
	case alt == "null":
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: n.Line, Column: n.Column}, nil
	case strings.HasPrefix(alt, "file("):
		return r.fileSource(alt, n)
	case strings.HasPrefix(alt, "strToBool("):
		arg := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(alt, "strToBool("), ")"))
		arg = strings.Trim(arg, `'"`)
		switch arg {
		case "true", "1", "True", "TRUE":
			arg = "true"
		case "false", "0", "False", "FALSE":
			arg = "false"
		default:
			return nil, fmt.Errorf("strToBool(%s): not a boolean string", arg)
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: arg, Line: n.Line, Column: n.Column}, nil
	}
	m := sourceRe.FindStringSubmatch(alt)
	if m == nil {
		return nil, fmt.Errorf("%q is not a variable source (self:, opt:, env:, sls:, param:, file(), ssm:, cf:, s3:, aws:, strToBool())", alt)
	}
	src, addr := m[1], strings.TrimSpace(m[4])
	switch src {
	case "self":
		return r.self(addr, n)
	case "opt":
		if addr == "stage" && r.opts.Stage != "" {
			return str(r.opts.Stage, n), nil
		}
		if v, ok := r.opts.Params[addr]; ok {
			return str(v, n), nil
		}
		return nil, undefinedError{fmt.Sprintf("option --%s is not given (pass --param %s=VALUE)", addr, addr)}
	case "env":
		if v, ok := r.env(addr); ok {
			return str(v, n), nil
		}
		return nil, undefinedError{fmt.Sprintf("environment variable %s is not set", addr)}
	case "sls":
		switch addr {
		case "stage":
			return str(r.stage(), n), nil
		case "instanceId":
			return str("albatross", n), nil
		}
		return nil, fmt.Errorf("sls:%s is not a Serverless variable (stage, instanceId)", addr)
	case "param":
		return r.param(addr, n)
	case "aws":
		switch addr {
		case "region":
			return str(r.region(), n), nil
		case "accountId":
			if v, err := r.opts.Values.String("aws:accountId"); err == nil {
				return str(v, n), nil
			}
			return str("000000000000", n), nil
		}
		return nil, fmt.Errorf("aws:%s is not an AWS variable (region, accountId)", addr)
	case "ssm", "cf", "s3":
		key := src + ":" + strings.TrimSuffix(addr, "~true")
		v, err := r.opts.Values.Value(key)
		if err != nil {
			return nil, err
		}
		return valueNode(v, n), nil
	}
	return nil, fmt.Errorf("unknown variable source %q", src)
}

func (r *resolver) env(name string) (string, bool) {
	if r.opts.Env != nil {
		return r.opts.Env(name)
	}
	return os.LookupEnv(name)
}

// stage is ${sls:stage}: --stage, else provider.stage, else dev.
func (r *resolver) stage() string {
	if r.opts.Stage != "" {
		return r.opts.Stage
	}
	if v, ok := r.opts.Params["stage"]; ok {
		return v
	}
	if n := r.at("provider", "stage"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
		return n.Value
	}
	return "dev"
}

func (r *resolver) region() string {
	if v, ok := r.opts.Params["region"]; ok {
		return v
	}
	if n := r.at("provider", "region"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
		return n.Value
	}
	return "us-east-1"
}

// param is ${param:NAME}: --param, then params.<stage>, then params.default.
func (r *resolver) param(name string, n *yaml.Node) (*yaml.Node, error) {
	if v, ok := r.opts.Params[name]; ok {
		return str(v, n), nil
	}
	for _, stage := range []string{r.stage(), "default"} {
		if v := r.at("params", stage, name); v != nil {
			return v, nil
		}
		if v := r.at("stages", stage, "params", name); v != nil { // Serverless v4
			return v, nil
		}
	}
	return nil, undefinedError{fmt.Sprintf("parameter %s is not given (--param %s=VALUE or params.%s.%s)", name, name, r.stage(), name)}
}

// self is ${self:a.b.c}: a value of this document.
func (r *resolver) self(addr string, n *yaml.Node) (*yaml.Node, error) {
	var parts []string
	if addr != "" {
		parts = strings.Split(addr, ".")
	}
	return r.walk(r.root, "", parts, "self")
}

func (r *resolver) walk(cur *yaml.Node, p string, parts []string, src string) (*yaml.Node, error) {
	for _, k := range parts {
		cur = r.shallow(cur, p)
		var next *yaml.Node
		switch {
		case cur != nil && cur.Kind == yaml.MappingNode:
			next = yamlsrc.Get(cur, k)
		case cur != nil && cur.Kind == yaml.SequenceNode:
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(cur.Content) {
				next = cur.Content[i]
			}
		}
		p = joinPath(p, k)
		if next == nil {
			return nil, undefinedError{fmt.Sprintf("value not found at %q in %s", p, src)}
		}
		cur = next
	}
	r.resolve(cur, p)
	return yamlsrc.Deref(cur), nil
}

var fileRe = regexp.MustCompile(`^file\(([^)]*)\)(?::(.*))?$`)

// fileSource is ${file(path)} or ${file(path):a.b}: another YAML or JSON file, relative to the
// service folder; its own variables are resolved against this document.
func (r *resolver) fileSource(alt string, n *yaml.Node) (*yaml.Node, error) {
	m := fileRe.FindStringSubmatch(alt)
	if m == nil {
		return nil, fmt.Errorf("%q: write file(path) or file(path):key", alt)
	}
	rel := strings.Trim(strings.TrimSpace(m[1]), `'"`)
	path := rel
	if !filepath.IsAbs(path) {
		path = filepath.Join(r.dir, rel)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".cjs", ".mjs", ".ts":
		return nil, fmt.Errorf("file(%s): JavaScript files are not evaluated by Albatross", rel)
	}
	doc, ok := r.files[path]
	if !ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, undefinedError{fmt.Sprintf("file %s cannot be read: %v", rel, err)}
		}
		r.watch = append(r.watch, path)
		parsed, perr := yamlsrc.Parse(rel, data)
		if perr != nil {
			if es, isList := perr.(yamlsrc.Errors); isList {
				r.errs = append(r.errs, es...)
			}
			return nil, fmt.Errorf("file %s does not parse", rel)
		}
		markFile(parsed, rel, r.fileOf)
		r.files[path] = parsed
		doc = parsed
	}
	if doc == nil {
		return nil, undefinedError{fmt.Sprintf("file %s is empty", rel)}
	}
	var parts []string
	if key := strings.TrimSpace(m[2]); key != "" {
		parts = strings.Split(key, ".")
	}
	return r.walk(doc, "", parts, "file("+rel+")")
}

func markFile(n *yaml.Node, file string, into map[*yaml.Node]string) {
	if n == nil {
		return
	}
	into[n] = file
	for _, c := range n.Content {
		markFile(c, file, into)
	}
}

// valueNode turns a --values value into a YAML node at n's position.
func valueNode(v any, n *yaml.Node) *yaml.Node {
	var out yaml.Node
	if err := out.Encode(v); err != nil {
		return str(fmt.Sprint(v), n)
	}
	setPos(&out, n.Line, n.Column)
	return &out
}

func setPos(n *yaml.Node, line, col int) {
	n.Line, n.Column = line, col
	for _, c := range n.Content {
		setPos(c, line, col)
	}
}
