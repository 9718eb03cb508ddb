package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/importer"
)

// importCmd prints the Albatross YAML equivalent of a serverless.yml, template, Terraform
// module or describe bundle, each item commented with where it came from:
//
//	albatross import PATH [-o FILE] [--param NAME=VALUE]... [--stage S] [--values FILE]
//
// Paths in the output (function code, certificates) are absolute: inline code and unpacked
// zips live in the cache, which the output must keep pointing at.
func importCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the YAML to `file` instead of stdout")
	var imp importFlags
	imp.register(fs)
	// Flags may come after PATH, as in the usage line.
	var path string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		if path != "" {
			fmt.Fprintln(stderr, "usage: albatross import PATH [-o FILE] [--format F] [--param NAME=VALUE] [--stage S] [--values FILE]")
			return 2
		}
		path, rest = fs.Arg(0), fs.Args()[1:]
	}
	if path == "" {
		fmt.Fprintln(stderr, "usage: albatross import PATH [-o FILE] [--format F] [--param NAME=VALUE] [--stage S] [--values FILE]")
		return 2
	}
	res, err := imp.load(path)
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s:\n%v\n", path, err)
		return 1
	}
	header := fmt.Sprintf("Albatross configuration imported from %s (%s) by `albatross import`.", filepath.Base(path), res.Format)
	data, err := importer.RenderYAML(res, header)
	if err != nil {
		fmt.Fprintln(stderr, "albatross import:", err)
		return 1
	}
	if *out == "" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "albatross import:", err)
		return 1
	}
	return 0
}
