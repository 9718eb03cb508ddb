package cloudformation

import (
	"os"
	"testing"
)

func FuzzTemplate(f *testing.F) {
	for _, p := range []string{"../../../e2e/testdata/import/cfn-inline/template.yaml", "../../../e2e/testdata/import/sam/template.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Resources: {LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Name: !Ref LB}}}"))
	f.Add([]byte(`{"Conditions": {"A": {"Condition": "A"}}, "Resources": {"X": {"Type": "T", "Condition": "A"}}}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := Parse(data, Options{File: "f.yaml", Dir: dir, CacheDir: dir})
		if err != nil {
			return
		}
		_, _ = tmpl.Translate()
	})
}
