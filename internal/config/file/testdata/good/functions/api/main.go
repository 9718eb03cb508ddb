// Package main is a placeholder Go function for the loader tests; it is never built.
package main

func main() {}
