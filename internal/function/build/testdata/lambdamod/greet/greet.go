// Package greet is a local package of the test module: editing it must trigger a rebuild of
// cmd/hello, which imports it.
package greet

// Hello greets name.
func Hello(name string) string {
	return "hello, " + name
}
