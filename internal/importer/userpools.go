package importer

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
)

// withUserPools puts the values file's albatross_user_pools into an imported configuration: a
// template, a serverless.yml, a Terraform module or a bundle has no place for Albatross's own
// stand-ins for Cognito user pools, so that a Cognito sign-in rule from them runs offline they
// come from --values, in the shape Albatross YAML gives them (see docs/auth.md). Problems in
// them are reported under the values file's name.
func withUserPools(res *Result, opts Options) error {
	raw := opts.Values.UserPools()
	if raw == nil {
		return nil
	}
	// The other sections were checked when the file was read.
	var doc struct {
		Pools  []config.UserPool `yaml:"albatross_user_pools"`
		Others map[string]any    `yaml:",inline"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "yaml: "), "unmarshal errors:\n  ")
		return config.Problems{{Path: opts.Values.Path + ": albatross_user_pools", Message: msg}}
	}
	res.Config.UserPools = doc.Pools
	if res.Sources == nil {
		res.Sources = map[string]string{}
	}
	res.Sources["albatross_user_pools"] = opts.Values.Path
	return nil
}
