package serverless

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// Builders for the CloudFormation template the alb events compile to. Every node carries the
// position of the serverless.yml node it was made from, so problems point at the event.

func sNode(v string, at *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	pos(n, at)
	return n
}

func iNode(v int, at *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	pos(n, at)
	return n
}

func bNode(v bool, at *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	pos(n, at)
	return n
}

func pos(n, at *yaml.Node) {
	if at != nil {
		n.Line, n.Column = at.Line, at.Column
	}
}

// mapNode builds a mapping from key, value pairs; nil values are left out.
func mapNode(at *yaml.Node, kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	pos(n, at)
	for i := 0; i+1 < len(kv); i += 2 {
		v, ok := kv[i+1].(*yaml.Node)
		if !ok || v == nil {
			continue
		}
		n.Content = append(n.Content, sNode(kv[i].(string), at), v)
	}
	return n
}

func seqNode(at *yaml.Node, items ...*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
	pos(n, at)
	return n
}

// asList is n as a list of nodes: a scalar or map stands for a list of one (AJV's array
// coercion, which Serverless v3 enables).
func asList(n *yaml.Node) []*yaml.Node {
	n = yamlsrc.Deref(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = yamlsrc.Deref(c)
		}
		return out
	}
	return []*yaml.Node{n}
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, sNode(key, v), v)
}

// merge is lodash's _.merge of src into dst, which Serverless uses to merge resources into
// the compiled template: maps key by key, lists index by index, anything else replaced.
func merge(dst, src *yaml.Node) *yaml.Node {
	dst, src = yamlsrc.Deref(dst), yamlsrc.Deref(src)
	switch {
	case src == nil:
		return dst
	case dst == nil:
		return src
	case dst.Kind == yaml.MappingNode && src.Kind == yaml.MappingNode:
		out := *dst
		out.Content = append([]*yaml.Node(nil), dst.Content...)
		keys, vals := yamlsrc.Pairs(src)
		for i, k := range keys {
			set(&out, k.Value, merge(yamlsrc.Get(&out, k.Value), vals[i]))
		}
		return &out
	case dst.Kind == yaml.SequenceNode && src.Kind == yaml.SequenceNode:
		out := *dst
		out.Content = append([]*yaml.Node(nil), dst.Content...)
		for i, c := range src.Content {
			if i < len(out.Content) {
				out.Content[i] = merge(out.Content[i], c)
			} else {
				out.Content = append(out.Content, c)
			}
		}
		return &out
	}
	return src
}
