package cloudformation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func load(t *testing.T, path string, params map[string]string) (*Result, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Parse(data, Options{File: filepath.Base(path), Dir: filepath.Dir(path), Params: params, StackName: "tickets", CacheDir: t.TempDir()})
	if err != nil {
		return nil, err
	}
	return tmpl.Translate()
}

func TestInlineTemplate(t *testing.T) {
	res, err := load(t, "../../../e2e/testdata/import/cfn-inline/template.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := yaml.Marshal(res.Config)
	t.Logf("%s\n%s", out, strings.Join(res.Warnings, "\n"))
	if err := res.Config.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSAMAutoPublishAlias(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {AutoPublishAlias: live}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs20.x, Handler: index.h, InlineCode: "exports.h = async () => ({statusCode: 200})"}
  TG:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {TargetType: lambda, Targets: [{Id: !Ref Fn.Alias}]}
  TG2:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {TargetType: lambda, Targets: [{Id: !Ref FnAliaslive}]}
`
	tmpl, err := Parse([]byte(src), Options{File: "t.yaml", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tmpl.Translate()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range res.Config.TargetGroups {
		if tg.Targets[0].ID != "arn:aws:lambda:us-east-1:000000000000:function:Fn:live" {
			t.Errorf("%s targets %s", tg.Name, tg.Targets[0].ID)
		}
	}
	if err := res.Config.Validate(); err != nil {
		t.Fatal(err)
	}
}
