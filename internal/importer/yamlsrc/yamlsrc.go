// Package yamlsrc reads the YAML (or JSON) documents that templates and serverless.yml files are
// written in, keeping every node's position so that each problem can name its file, line and
// column. It turns CloudFormation's short-form tags (!Ref, !GetAtt, !Sub, ...) into their long
// form, as CloudFormation and the Serverless Framework's YAML schema do, and refuses what a YAML
// parser would either misread or report without a position: git conflict markers, tabs in
// indentation and unknown tags.
package yamlsrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem with its position in a source file.
type Error struct {
	File         string
	Line, Column int
	// Path is where in the document the problem is, e.g. Resources.Listener.Properties.Port;
	// empty for syntax errors.
	Path    string
	Message string
}

// Where is "file:line:column path", the prefix every problem is shown with.
func (e Error) Where() string {
	w := e.File
	if e.Line > 0 {
		w += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	if e.Path != "" {
		w += " " + e.Path
	}
	return w
}

func (e Error) Error() string { return e.Where() + ": " + e.Message }

// Errors is every problem found; it implements error with one problem per line.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns es as an error, or nil when empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// At adds a problem at node n.
func (es *Errors) At(file string, n *yaml.Node, path, format string, args ...any) {
	e := Error{File: file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	*es = append(*es, e)
}

// shortTags maps CloudFormation's short-form tags to their long-form keys.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!And": "Fn::And",
	"!Or": "Fn::Or", "!Not": "Fn::Not", "!FindInMap": "Fn::FindInMap", "!GetAZs": "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
	"!Transform": "Fn::Transform", "!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

var (
	conflictMarker = regexp.MustCompile(`^(<{7}|={7}|>{7}|\|{7})(\s|$)`)
	leadingSpace   = regexp.MustCompile(`^[ \t]*`)
	yamlLineRe     = regexp.MustCompile(`line (\d+)`)
)

// Parse reads one YAML or JSON document. The result is the document's root node (nil for an
// empty document) with short-form tags rewritten to long form; positions are those of the source.
func Parse(file string, data []byte) (*yaml.Node, error) {
	var es Errors
	isJSON := looksLikeJSON(data)
	for i, line := range bytes.Split(data, []byte("\n")) {
		if conflictMarker.Match(line) {
			es = append(es, Error{File: file, Line: i + 1, Column: 1, Message: "git conflict marker: resolve the merge conflict first"})
			continue
		}
		if !isJSON {
			if ind := leadingSpace.Find(line); bytes.IndexByte(ind, '\t') >= 0 && len(bytes.TrimSpace(line)) > 0 {
				es = append(es, Error{File: file, Line: i + 1, Column: bytes.IndexByte(ind, '\t') + 1,
					Message: "tab in indentation: YAML indents with spaces only"})
			}
		}
	}
	if len(es) > 0 {
		return nil, es
	}
	if isJSON {
		// JSON allows tabs as whitespace where YAML's flow style may not; a tab is never raw
		// inside a JSON string, so a space in its place keeps every column.
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Errors{syntaxError(file, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{File: file, Line: extra.Line, Column: extra.Column, Message: "only one YAML document is allowed"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, Errors{syntaxError(file, err)}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := rewriteTags(file, root); err != nil {
		return nil, err
	}
	return root, nil
}

func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// syntaxError turns yaml's "yaml: line 3: ..." into a positioned error.
func syntaxError(file string, err error) Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := Error{File: file, Message: msg}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Column = 1
		e.Message = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ":"))
	}
	return e
}

// rewriteTags turns `!Ref X` into {Ref: X} (and so on for every short tag) in place, and
// refuses unknown tags. Anchors and aliases are kept: yaml.v3 resolves aliases on decode, and
// the walker below follows them through Alias nodes.
func rewriteTags(file string, root *yaml.Node) error {
	var es Errors
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, c := range n.Content {
			walk(c)
		}
		if n.Kind == yaml.MappingNode {
			keys := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Value == "<<" {
					continue
				}
				if keys[k.Value] {
					es.At(file, k, "", "duplicate key %q", k.Value)
				}
				keys[k.Value] = true
			}
		}
		if n.Alias != nil {
			walk(n.Alias)
		}
		if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
			return
		}
		long, ok := shortTags[n.Tag]
		if !ok {
			es.At(file, n, "", "unknown tag %s: CloudFormation's short forms are !Ref, !GetAtt, !Sub, !Join, !Select, !Split, !If, !Equals, !And, !Or, !Not, !Condition, !FindInMap, !GetAZs, !ImportValue, !Base64, !Cidr", n.Tag)
			return
		}
		inner := *n
		inner.Tag = ""
		inner.Style &^= yaml.TaggedStyle
		if inner.Kind == yaml.ScalarNode {
			inner.Tag = "!!str"
		}
		if long == "Fn::GetAtt" && inner.Kind == yaml.ScalarNode {
			// !GetAtt A.B is the string form; the long form takes a list [A, B].
			inner = *splitGetAtt(&inner)
		}
		keyNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: long, Line: n.Line, Column: n.Column}
		*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column,
			Content: []*yaml.Node{keyNode, &inner}}
	}
	walk(root)
	return es.Err()
}

func splitGetAtt(n *yaml.Node) *yaml.Node {
	res, attr, ok := strings.Cut(n.Value, ".")
	if !ok {
		return n
	}
	s := func(v string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: n.Line, Column: n.Column}
	}
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: n.Line, Column: n.Column, Content: []*yaml.Node{s(res), s(attr)}}
}

// Get returns the value node of key in mapping n, or nil.
func Get(n *yaml.Node, key string) *yaml.Node {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return Deref(n.Content[i+1])
		}
	}
	return nil
}

// Pairs returns the keys and values of mapping n, in order (aliases resolved).
func Pairs(n *yaml.Node) (keys, vals []*yaml.Node) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i])
		vals = append(vals, Deref(n.Content[i+1]))
	}
	return keys, vals
}

// Deref follows alias nodes.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// IsNull reports whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	n = Deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// Kind names n's kind for messages: "a string", "a list", "a map".
func Kind(n *yaml.Node) string {
	switch n = Deref(n); {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a map"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "null"
	default:
		return "a scalar"
	}
}
