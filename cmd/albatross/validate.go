package main

import (
	"flag"
	"fmt"
	"io"
)

// validate prints every problem of the configuration, one per line, and exits 1; a valid one
// exits 0, printing only the importer's warnings (skipped resources, substituted runtimes,
// functions that cannot run here), one per line on stderr.
func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration `file` or folder (Albatross YAML, serverless.yml, CloudFormation/SAM, Terraform, describe bundle)")
	var imp importFlags
	imp.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *configPath == "" {
		fmt.Fprintln(stderr, "albatross validate: --config is required")
		return 2
	}
	res, err := imp.load(*configPath)
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	if err != nil {
		fmt.Fprintln(stdout, err)
		return 1
	}
	return 0
}
