package bundle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"go.yaml.in/yaml/v3"
)

// problems collects every problem of a load, each located as "file:line:column path".
type problems struct {
	file string
	root *yaml.Node
	list config.Problems
}

// add records a problem at the node the steps lead to (map keys and sequence indexes); where is
// the path shown, e.g. LoadBalancers[0].Listeners[1].Port.
func (ps *problems) add(steps []any, where, format string, args ...any) {
	loc := ps.file
	if n := ps.locate(steps); n != nil && steps != nil {
		loc = fmt.Sprintf("%s:%d:%d", ps.file, n.Line, n.Column)
	}
	if where != "" {
		loc += " " + where
	}
	ps.list = append(ps.list, config.Problem{Path: loc, Message: fmt.Sprintf(format, args...)})
}

// locate walks the document; it stops at the deepest node found.
func (ps *problems) locate(steps []any) *yaml.Node {
	n := ps.root
	if n == nil {
		return nil
	}
	for _, s := range steps {
		next := child(n, s)
		if next == nil {
			break
		}
		n = next
	}
	return n
}

func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

// path is a location in the bundle: the steps to its node and their rendering.
type path []any

func (p path) key(k string) path { return append(p[:len(p):len(p)], k) }
func (p path) idx(i int) path    { return append(p[:len(p):len(p)], i) }

func (p path) String() string {
	var b strings.Builder
	for _, s := range p {
		switch v := s.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		}
	}
	return b.String()
}
