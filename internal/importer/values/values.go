// Package values reads the --values file: the things an imported template needs that do not live
// in it. A template names them (an SSM parameter, another stack's output, an S3 code location, an
// EC2 instance id); the values file maps each name to something local.
//
//	values:                          # named external values, by source:key
//	  ssm:/tickets/subnets: [subnet-1, subnet-2]
//	  cf:network.VpcId: vpc-123
//	  import:SharedListenerArn: arn:aws:elasticloadbalancing:...
//	  tfstate:network.vpc_id: vpc-123
//	  attr:MyCustom.Endpoint: https://example.com
//	  acm:arn:aws:acm:...:certificate/abc: {certificate_file: cert.pem, private_key_file: key.pem}
//	  listener:arn:aws:elasticloadbalancing:...:listener/app/shared/...: {port: 8080, protocol: HTTP}
//	code:                            # code location -> local zip or folder (relative to this file)
//	  s3://bucket/api.zip: build/api.zip
//	  tickets-api: ./functions/api
//	targets:                         # target id (or id:port) -> local host:port
//	  i-0abc1234: 127.0.0.1:8081
//	  10.0.1.5:80: 127.0.0.1:8082
//	albatross_user_pools:            # Albatross's own: Cognito pools for local work, as in
//	  - user_pool_arn: arn:aws:...   # Albatross YAML (a source has no place for them)
//	    users: [{username: ann, password: pw}]
//
// Every lookup that finds nothing returns a *MissingError that names the key and the section it
// belongs in, so that an importer can say where the value is used and the user knows what to add.
package values

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The sections of a values file, as its top-level keys spell them.
const (
	SectionValues  = "values"
	SectionCode    = "code"
	SectionTargets = "targets"
)

// File is a loaded values file. A nil *File is valid and has nothing in it: every lookup on it
// returns a *MissingError, so importers need not check whether --values was given.
type File struct {
	// Path is the file's path as given (for messages); empty for a File built in memory.
	Path    string
	values  map[string]any
	code    map[string]string
	targets map[string]string
	// userPools is the whole document when it has an albatross_user_pools section, for the
	// importer to decode into the configuration model (this package does not know it) with
	// the file's own line numbers.
	userPools []byte
}

// MissingError says a value a template needs was not given.
type MissingError struct {
	// Section is values, code or targets.
	Section string
	// Keys are the keys looked up, in the order tried; the first is the canonical one.
	Keys []string
	// File is the values file's path, or empty when no --values file was given.
	File string
}

func (e *MissingError) Error() string {
	quoted := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		quoted[i] = strconv.Quote(k)
	}
	where := "pass --values FILE with it"
	if e.File != "" {
		where = "add it to " + e.File
	}
	return fmt.Sprintf("%s is needed and not given: %s under %q", strings.Join(quoted, " or "), where, e.Section+":")
}

// IsMissing reports whether err is (or wraps) a *MissingError.
func IsMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

// Load reads and parses the values file at path. Relative code paths are made absolute against
// the file's folder.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	return Parse(path, filepath.Dir(abs), data)
}

// fileShape is the YAML document. Code and target values must be strings; named values may be
// any YAML value (a list-valued SSM StringList, a number, a map).
type fileShape struct {
	Values    map[string]any    `yaml:"values"`
	Code      map[string]string `yaml:"code"`
	Targets   map[string]string `yaml:"targets"`
	UserPools yaml.Node         `yaml:"albatross_user_pools"`
}

// Parse parses a values document. name is used in messages; dir is the folder relative code
// paths are resolved against.
func Parse(name, dir string, data []byte) (*File, error) {
	var shape fileShape
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&shape); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	f := &File{Path: name, values: shape.Values, code: map[string]string{}, targets: map[string]string{}}
	var problems []string
	if shape.UserPools.Kind != 0 {
		if shape.UserPools.Kind != yaml.SequenceNode {
			problems = append(problems, fmt.Sprintf("albatross_user_pools (line %d): must be a list of user pools", shape.UserPools.Line))
		} else {
			f.userPools = data
		}
	}
	for _, k := range sortedKeys(shape.Code) {
		p := shape.Code[k]
		if p == "" {
			problems = append(problems, fmt.Sprintf("code[%q]: a local zip or folder is required", k))
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		f.code[k] = p
	}
	for _, k := range sortedKeys(shape.Targets) {
		addr := shape.Targets[k]
		if _, port, ok := strings.Cut(addr, ":"); !ok || port == "" {
			problems = append(problems, fmt.Sprintf("targets[%q]: %q must be host:port", k, addr))
			continue
		}
		f.targets[k] = addr
	}
	for k := range shape.Values {
		if src, rest, ok := strings.Cut(k, ":"); !ok || src == "" || rest == "" {
			problems = append(problems, fmt.Sprintf("values[%q]: keys are source:name, e.g. ssm:/path or cf:stack.Output", k))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%s: %s", name, strings.Join(problems, "\n"+name+": "))
	}
	return f, nil
}

// FromMaps builds a File in memory (tests, embedding).
func FromMaps(values map[string]any, code, targets map[string]string) *File {
	return &File{values: values, code: code, targets: targets}
}

func (f *File) path() string {
	if f == nil {
		return ""
	}
	return f.Path
}

// Value returns the named external value, e.g. Value("ssm:/tickets/subnets"). Its type is
// whatever YAML gave: string, int, bool, float64, []any or map[string]any.
func (f *File) Value(key string) (any, error) {
	if f != nil {
		if v, ok := f.values[key]; ok {
			return v, nil
		}
	}
	return nil, &MissingError{Section: SectionValues, Keys: []string{key}, File: f.path()}
}

// String returns the named external value as a string; a number or boolean is formatted, a
// list or map is an error.
func (f *File) String(key string) (string, error) {
	v, err := f.Value(key)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case int, int64, float64, bool:
		return fmt.Sprint(v), nil
	case nil:
		return "", nil
	default:
		return "", fmt.Errorf("%s: values[%q] must be a single value, not %T", f.path(), key, v)
	}
}

// Code returns the local zip or folder given for a code location. keys are tried in order (e.g.
// an S3 URL, then the function name, then its ARN); the error names every one.
func (f *File) Code(keys ...string) (string, error) {
	if f != nil {
		for _, k := range keys {
			if p, ok := f.code[k]; ok {
				return p, nil
			}
		}
	}
	return "", &MissingError{Section: SectionCode, Keys: keys, File: f.path()}
}

// Target returns the local host:port for a target id (instance id or IP). "id:port" is tried
// first when port is not 0, then the bare id.
func (f *File) Target(id string, port int) (string, error) {
	keys := []string{id}
	if port != 0 {
		keys = []string{id + ":" + strconv.Itoa(port), id}
	}
	if f != nil {
		for _, k := range keys {
			if a, ok := f.targets[k]; ok {
				return a, nil
			}
		}
	}
	return "", &MissingError{Section: SectionTargets, Keys: keys, File: f.path()}
}

// UserPools returns the values document when it has an albatross_user_pools section (a list),
// to decode that key from; nil when it has none.
func (f *File) UserPools() []byte {
	if f == nil {
		return nil
	}
	return f.userPools
}

// CodePaths returns every local code path the file names, sorted; live reload watches them.
func (f *File) CodePaths() []string {
	if f == nil {
		return nil
	}
	out := make([]string, 0, len(f.code))
	for _, k := range sortedKeys(f.code) {
		out = append(out, f.code[k])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
