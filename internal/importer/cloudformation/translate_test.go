package cloudformation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/importer/values"
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

// An HTTPS listener's ACM certificate comes from the values file as local PEM files (relative
// to it); one not given is a problem naming the key.
func TestHTTPSCertificatesFromValues(t *testing.T) {
	src := `Resources:
  LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer}
  L:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Port: 443
      Protocol: HTTPS
      Certificates: [{CertificateArn: arn:aws:acm:us-east-1:1:certificate/abc}]
      DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "200"}}]
`
	dir := t.TempDir()
	valuesPath := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(valuesPath, []byte("values:\n  acm:arn:aws:acm:us-east-1:1:certificate/abc: {certificate_file: tls/cert.pem, private_key_file: tls/key.pem}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vals, err := values.Load(valuesPath)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Parse([]byte(src), Options{File: "t.yaml", Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tmpl.Translate()
	if err != nil {
		t.Fatal(err)
	}
	c := res.Config.LoadBalancers[0].Listeners[0].Certificates
	if len(c) != 1 || c[0].CertificateFile != filepath.Join(dir, "tls/cert.pem") || c[0].PrivateKeyFile != filepath.Join(dir, "tls/key.pem") {
		t.Errorf("certificates = %+v", c)
	}
	tmpl, _ = Parse([]byte(src), Options{File: "t.yaml"})
	if _, err := tmpl.Translate(); err == nil || !strings.Contains(err.Error(), `t.yaml:9:39 Resources.L.Properties.Certificates[0].CertificateArn: "acm:arn:aws:acm:us-east-1:1:certificate/abc" is needed and not given`) {
		t.Errorf("err = %v", err)
	}
}
