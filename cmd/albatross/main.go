// Command albatross runs self-hosted Application Load Balancers whose targets are HTTP servers or
// Lambda functions it runs itself.
//
//	albatross serve --config FILE [--api-addr HOST:PORT] [--data-dir DIR]
//	albatross validate --config FILE
//	albatross version
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "targets":
		return targets(args[1:], stdout, stderr)
	case "explain":
		return explain(args[1:], stdout, stderr)
	case "version", "--version":
		return version(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "albatross: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  albatross serve --config FILE [--api-addr HOST:PORT] [--data-dir DIR] [--log-format text|json] [--log-level LEVEL]
  albatross validate --config FILE
  albatross targets --api-addr HOST:PORT [--target-group NAME] [--api-credentials ID:SECRET|@FILE]
  albatross explain --config FILE [-H 'Header: value'] [--source-ip IP] METHOD URL
  albatross version
`)
}
