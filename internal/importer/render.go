package importer

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
)

// RenderYAML writes res.Config as Albatross YAML: unset fields left out, and each load
// balancer, listener, rule, target group and function preceded by a comment naming the resource
// or event it came from. Decoding the output gives back the same configuration.
func RenderYAML(res *Result, header string) ([]byte, error) {
	root := encode(reflect.ValueOf(*res.Config), "", res.Sources)
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	root.HeadComment = header
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encode builds the node for v at config path p; nil for a value left out (zero, empty).
func encode(v reflect.Value, p string, sources map[string]string) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		// A set pointer is written even when it points at a zero: it differs from unset.
		n := encode(v.Elem(), p, sources)
		if n == nil {
			n = scalarOf(v.Elem())
			if n == nil {
				n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
		}
		return n
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			child := encode(v.Field(i), joinCfg(p, name), sources)
			if child == nil {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, child)
		}
		if len(n.Content) == 0 {
			return nil
		}
		return n
	case reflect.Slice:
		if v.Len() == 0 {
			return nil
		}
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := range v.Len() {
			ip := fmt.Sprintf("%s[%d]", p, i)
			child := encode(v.Index(i), ip, sources)
			if child == nil {
				child = scalarOf(v.Index(i))
			}
			if child == nil {
				child = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""}
			}
			if src, ok := sources[ip]; ok {
				child.HeadComment = "from " + src
			}
			n.Content = append(n.Content, child)
		}
		return n
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.String()},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.MapIndex(k).String(), Style: quoteIfNeeded(v.MapIndex(k).String())})
		}
		return n
	}
	if v.IsZero() {
		return nil
	}
	return scalarOf(v)
}

func scalarOf(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.String(), Style: quoteIfNeeded(v.String())}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}
	}
	return nil
}

// quoteIfNeeded keeps strings that YAML would read as another type ("true", "200", "on") strings.
func quoteIfNeeded(s string) yaml.Style {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off":
		return yaml.DoubleQuotedStyle // booleans to YAML 1.1 readers
	}
	var probe any
	if err := yaml.Unmarshal([]byte(s), &probe); err != nil {
		return yaml.DoubleQuotedStyle
	}
	if _, ok := probe.(string); !ok || strings.ContainsAny(s, "\n") {
		if strings.Contains(s, "\n") {
			return yaml.LiteralStyle
		}
		return yaml.DoubleQuotedStyle
	}
	return 0
}

func joinCfg(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

// configOf is here so the compiler checks RenderYAML's reflection targets the model.
var _ = config.Config{}
