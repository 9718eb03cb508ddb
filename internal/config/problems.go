package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a configuration: where it is and what is wrong.
type Problem struct {
	// Path locates the offending key, e.g. "load_balancers[0].listeners[1].port".
	Path string
	// Message says what is wrong and, where useful, what is allowed.
	Message string
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems is every problem found in a configuration, in the order Validate met them. It
// implements error; the message holds one problem per line, ready for `albatross validate`.
type Problems []Problem

// Error returns one "path: message" line per problem.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Paths returns the path of every problem, in order; handy for tests and tools.
func (ps Problems) Paths() []string {
	paths := make([]string, len(ps))
	for i, p := range ps {
		paths[i] = p.Path
	}
	return paths
}

// Add appends a problem at path with a fmt-formatted message.
func (ps *Problems) Add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Err returns ps as an error, or nil when there is no problem (so that a nil Problems never
// travels as a non-nil error interface).
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// idx appends an index to a path: idx("rules", 3) == "rules[3]".
func idx(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

// key appends a field name to a path: key("rules[3]", "priority") == "rules[3].priority".
func key(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// mapKey appends a map key to a path: mapKey("attributes", "a.b") == `attributes["a.b"]`.
func mapKey(path, k string) string {
	return path + "[" + strconv.Quote(k) + "]"
}
