// Package values reads the --values file: what a template needs that lives outside it (remote
// state outputs, custom resource attributes, code locations, target addresses).
//
// This is the import-tf branch's stand-in with the agreed API; the framework branch owns the real
// package and its version is kept at merge.
package values

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// File is a parsed --values file. A nil *File is valid: every lookup then says the key is needed
// and not given.
type File struct {
	dir     string
	values  map[string]any
	code    map[string]string
	targets map[string]string
}

type document struct {
	Values  map[string]any    `yaml:"values"`
	Code    map[string]string `yaml:"code"`
	Targets map[string]string `yaml:"targets"`
}

// Load reads a values file. Relative code paths are resolved against its folder.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	var doc document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	return &File{dir: filepath.Dir(abs), values: doc.Values, code: doc.Code, targets: doc.Targets}, nil
}

// Value returns the value given for key, e.g. "tfstate:network.vpc_id" or "attr:Custom.Arn".
func (f *File) Value(key string) (any, error) {
	if f != nil {
		if v, ok := f.values[key]; ok {
			return v, nil
		}
	}
	return nil, fmt.Errorf("needed and not given: %s", key)
}

// Code returns the local zip or folder given for a code location (an S3 URL, a function name or
// ARN), made absolute against the values file's folder.
func (f *File) Code(location string) (string, error) {
	if f != nil {
		if p, ok := f.code[location]; ok {
			if !filepath.IsAbs(p) {
				p = filepath.Join(f.dir, p)
			}
			return p, nil
		}
	}
	return "", notGiven("code", location)
}

// Target returns the local host:port given for a target id (an instance id, an IP address or
// another name the format uses).
func (f *File) Target(id string) (string, error) {
	if f != nil {
		if a, ok := f.targets[id]; ok {
			return a, nil
		}
	}
	return "", notGiven("targets", id)
}

func notGiven(section, key string) error {
	return fmt.Errorf("needed and not given: %s:%s", section, key)
}
