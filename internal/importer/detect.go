package importer

import (
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/bundle"
	"github.com/albatross-lb/albatross/internal/importer/terraform"
)

// Format is one of the configuration formats Albatross reads.
type Format string

// The formats, as --format names them.
const (
	Albatross      Format = "albatross"
	Serverless     Format = "serverless"
	CloudFormation Format = "cloudformation"
	Terraform      Format = "terraform"
	Bundle         Format = "bundle"
)

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, bool) {
	switch f := Format(strings.ToLower(s)); f {
	case Albatross, Serverless, CloudFormation, Terraform, Bundle:
		return f, true
	case "cfn", "sam":
		return CloudFormation, true
	}
	return "", false
}

// Detect recognises the format from the content (and, for folders, the files in them): a
// Serverless service has `service` and `provider`; a template has `Resources` or
// `AWSTemplateFormatVersion`; Terraform is HCL (.tf); everything else is Albatross YAML.
func Detect(path string, isDir bool, content []byte) Format {
	if isDir {
		for _, n := range []string{"serverless.yml", "serverless.yaml", "serverless.json"} {
			if _, err := os.Stat(filepath.Join(path, n)); err == nil {
				return Serverless
			}
		}
		if terraform.Detect(path, nil) {
			return Terraform
		}
		if bundle.Detect(path, nil) {
			return Bundle
		}
		return Albatross
	}
	if terraform.Detect(path, content) {
		return Terraform
	}
	if bundle.Detect(path, content) {
		return Bundle
	}
	if ext := filepath.Ext(path); ext == ".tf" || strings.HasSuffix(path, ".tf.json") {
		return Terraform
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return byName(path)
	}
	keys := map[string]bool{}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys[root.Content[i].Value] = true
	}
	switch {
	case keys["AWSTemplateFormatVersion"] || keys["Resources"] || keys["Transform"]:
		return CloudFormation
	case keys["service"] && (keys["provider"] || keys["functions"]):
		return Serverless
	case keys["LoadBalancers"] && keys["Listeners"]:
		return Bundle
	}
	return Albatross
}

// byName guesses from the file name when the content does not parse, so that the error comes
// from the right parser.
func byName(path string) Format {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasPrefix(base, "serverless."):
		return Serverless
	case strings.Contains(base, "template"), strings.HasSuffix(base, ".json"):
		return CloudFormation
	}
	return Albatross
}
