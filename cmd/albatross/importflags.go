package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/albatross-lb/albatross/internal/importer"
	"github.com/albatross-lb/albatross/internal/importer/values"
)

// importFlags are the flags every command that reads --config shares: how to read a
// serverless.yml, a template, a Terraform module or a describe bundle.
type importFlags struct {
	format     string
	params     paramFlags
	stage      string
	values     string
	portMap    string
	portOffset int
	varFiles   listFlags
}

// paramFlags collects repeated --param NAME=VALUE.
type paramFlags map[string]string

func (p paramFlags) String() string { return fmt.Sprint(map[string]string(p)) }
func (p paramFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("--param %q must be NAME=VALUE", v)
	}
	p[name] = value
	return nil
}

type listFlags []string

func (l *listFlags) String() string     { return strings.Join(*l, ",") }
func (l *listFlags) Set(v string) error { *l = append(*l, v); return nil }

func (f *importFlags) register(fs *flag.FlagSet) {
	f.params = paramFlags{}
	fs.StringVar(&f.format, "format", "", "force the `format` of --config: albatross, serverless, cloudformation, terraform or bundle (default: recognised from the content)")
	fs.Var(f.params, "param", "template input `NAME=VALUE` (CloudFormation Parameters, Serverless ${opt:NAME} and ${param:NAME}, Terraform variables); repeatable")
	fs.StringVar(&f.stage, "stage", "", "Serverless `stage` (default: provider.stage, else dev)")
	fs.StringVar(&f.values, "values", "", "YAML `file` of values that live outside the source (${ssm:}, ${cf:}, Fn::ImportValue, S3 code, target addresses)")
	fs.StringVar(&f.portMap, "port-map", "", "move listener ports, e.g. `80=8080,443=8443`")
	fs.IntVar(&f.portOffset, "port-offset", 0, "add `N` to every listener port not in --port-map")
	fs.Var(&f.varFiles, "var-file", "Terraform `tfvars` file; repeatable")
}

func (f *importFlags) options() (importer.Options, error) {
	opts := importer.Options{Params: f.params, Stage: f.stage, VarFiles: f.varFiles, Ports: importer.PortMap{Offset: f.portOffset}}
	if f.format != "" {
		format, ok := importer.ParseFormat(f.format)
		if !ok {
			return opts, fmt.Errorf("--format must be albatross, serverless, cloudformation, terraform or bundle, got %q", f.format)
		}
		opts.Format = format
	}
	if f.portMap != "" {
		pairs, err := importer.ParsePortMap(f.portMap)
		if err != nil {
			return opts, err
		}
		opts.Ports.Pairs = pairs
	}
	if f.values != "" {
		v, err := values.Load(f.values)
		if err != nil {
			return opts, err
		}
		opts.Values = v
	}
	return opts, nil
}

// load reads --config in whatever format it is written.
func (f *importFlags) load(path string) (*importer.Result, error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	res, err := importer.Load(path, opts)
	if res != nil && f.values != "" {
		res.Watch = append(res.Watch, f.values)
	}
	return res, err
}
