package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/albatross-lb/albatross/internal/config/file"
)

// validate prints every problem of the configuration file, one per line, and exits 1; a valid
// file exits 0 silently.
func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration `file` (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *configPath == "" {
		fmt.Fprintln(stderr, "albatross validate: --config is required")
		return 2
	}
	if _, err := file.Load(*configPath); err != nil {
		fmt.Fprintln(stdout, err)
		return 1
	}
	return 0
}
