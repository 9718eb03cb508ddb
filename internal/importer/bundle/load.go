// Package bundle reads a describe bundle — a running ALB's own description, as `albatross
// capture` writes it from the ELBv2 and Lambda APIs (load balancers and their attributes,
// listeners and their attributes, rules, target groups with their attributes and target health,
// and each Lambda target's GetFunction output) — into Albatross's configuration model, so that
// `serve` replays the ALB's routing. Targets and function code are mapped to local ones by
// --values.
package bundle

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"go.yaml.in/yaml/v3"
)

// maxBundle bounds the file read: a bundle of 50 load balancers with 100 rules each is a few
// megabytes.
const maxBundle = 64 << 20

// Options are the inputs a bundle needs beyond its file.
type Options struct {
	// Params and VarFiles have no meaning for a bundle; a Param given is reported.
	Params   map[string]string
	VarFiles []string
	// Values maps targets (instance ids, IP addresses) to local HOST:PORT, function code (name,
	// ARN or code location) to local zips or folders, and certificate ARNs to PEM files
	// (attr:ARN.certificate_file, attr:ARN.private_key_file). nil means none given.
	Values *values.File
	Env    func(string) (string, bool)
	// CodeDir is where zip packages are unpacked; empty means lambdacode.DefaultRoot().
	CodeDir string
	// Notice receives one line per thing skipped; nil discards them.
	Notice func(string)
	// Read, when set, is called with every file and folder the load read (the bundle, code
	// packages), so that live reload can watch them.
	Read func(path string)
	// Source, when set, is called for every load balancer, listener, rule, target group,
	// target and function built, with its configuration path ("load_balancers[0].listeners[1]")
	// and the bundle entry it came from, located and named by its ARN ("web.json:26:17
	// LoadBalancers[0].Listeners[0] (arn:aws:elasticloadbalancing:...)"), for the comments of
	// `albatross import` and for locating validation problems.
	Source func(cfgPath, from string)
}

// Detect reports whether content is a describe bundle: a JSON or YAML document whose Bundle
// member is the marker.
func Detect(path string, content []byte) bool {
	if !bytes.Contains(content, []byte(Marker)) {
		return false
	}
	var head struct {
		Bundle string `yaml:"Bundle"`
	}
	if err := yaml.Unmarshal(content, &head); err != nil {
		return false
	}
	return head.Bundle == Marker
}

// Load reads the bundle at path and returns the configuration that replays it. The error is a
// config.Problems listing every problem, each as "file:line:column path: message".
func Load(path string, opts Options) (*config.Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if st.Size() > maxBundle {
		return nil, fmt.Errorf("bundle: %s is larger than %d bytes", path, maxBundle)
	}
	if opts.Read != nil {
		opts.Read(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return parse(filepath.Base(path), filepath.Dir(path), data, opts)
}

func parse(name, dir string, data []byte, opts Options) (*config.Config, error) {
	ps := &problems{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		ps.add(nil, "", "not a JSON or YAML document: %v", err)
		return nil, ps.list
	}
	if len(root.Content) == 0 {
		ps.add(nil, "", "empty document")
		return nil, ps.list
	}
	ps.root = root.Content[0]
	var b Bundle
	if err := ps.root.Decode(&b); err != nil {
		ps.add(nil, "", "%v", err)
		return nil, ps.list
	}
	if b.Bundle != Marker {
		ps.add([]any{"Bundle"}, "Bundle", "must be %q", Marker)
		return nil, ps.list
	}
	for k := range opts.Params {
		ps.add(nil, "--param "+k, "a describe bundle takes no parameters")
	}
	c := &converter{opts: opts, ps: ps, dir: dir, b: &b, cfg: &config.Config{Region: b.Region}}
	c.convert()
	if len(ps.list) > 0 {
		return nil, ps.list
	}
	return c.cfg, nil
}
