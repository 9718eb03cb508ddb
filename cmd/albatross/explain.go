package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/albatross-lb/albatross/internal/explain"
)

// headerFlags collects repeated -H values.
type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

// explain prints how the configuration would route one request:
//
//	albatross explain --config FILE [-H 'Name: value']... [--source-ip IP] [--data BODY] [--compact] METHOD URL
func runExplain(args []string, stdout, stderr io.Writer) int {
	var in explain.Input
	var configPath string
	var compact bool
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&configPath, "config", "", "configuration `file` or folder (any format albatross reads)")
	var imp importFlags
	imp.register(fs)
	fs.Var((*headerFlags)(&in.Headers), "H", "request header `Name: value` (repeatable)")
	fs.StringVar(&in.SourceIP, "source-ip", "127.0.0.1", "client `address` seen by source-ip conditions")
	fs.StringVar(&in.Body, "data", "", "request `body`")
	fs.BoolVar(&compact, "compact", false, "print Lambda events exactly as sent, without indentation")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if configPath == "" || fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: albatross explain --config FILE [-H 'Name: value'] [--source-ip IP] [--data BODY] METHOD URL")
		return 2
	}
	in.Method, in.URL = fs.Arg(0), fs.Arg(1)
	res, err := imp.load(configPath)
	if err != nil {
		fmt.Fprintf(stderr, "%s:\n%v\n", configPath, err)
		return 1
	}
	cfg := res.Config
	r, port, err := in.Request()
	if err != nil {
		fmt.Fprintln(stderr, "albatross explain:", err)
		return 2
	}
	ex, err := explain.Explain(cfg, r, port)
	if err != nil {
		fmt.Fprintln(stderr, "albatross explain:", err)
		return 1
	}
	if err := ex.WriteText(stdout, !compact); err != nil {
		return 1
	}
	return 0
}
