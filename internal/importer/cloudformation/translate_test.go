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

// TestAuthActions: AuthenticateOidcConfig, AuthenticateCognitoConfig and JwtValidationConfig
// become the model's authentication actions, in front of the rule's forward (ACT-01).
func TestAuthActions(t *testing.T) {
	src := `Resources:
  LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer}
  L:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Port: 443
      Protocol: HTTPS
      Certificates: [{CertificateArn: arn:aws:acm:us-east-1:1:certificate/abc}]
      DefaultActions:
        - Type: authenticate-oidc
          Order: 1
          AuthenticateOidcConfig:
            Issuer: https://idp.example.com
            AuthorizationEndpoint: https://idp.example.com/authorize
            TokenEndpoint: https://idp.example.com/token
            UserInfoEndpoint: https://idp.example.com/userinfo
            ClientId: web
            ClientSecret: s3cret
            Scope: openid email
            SessionTimeout: 3600
            OnUnauthenticatedRequest: deny
            AuthenticationRequestExtraParams: {prompt: login}
        - {Type: fixed-response, Order: 2, FixedResponseConfig: {StatusCode: "200"}}
  R:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref L
      Priority: 1
      Conditions: [{Field: path-pattern, Values: [/api/*]}]
      Actions:
        - Type: jwt-validation
          Order: 1
          JwtValidationConfig:
            JwksEndpoint: https://idp.example.com/jwks
            Issuer: https://idp.example.com
            AdditionalClaims: [{Format: space-separated-values, Name: scope, Values: [read]}]
        - {Type: fixed-response, Order: 2, FixedResponseConfig: {StatusCode: "200"}}
  C:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref L
      Priority: 2
      Conditions: [{Field: path-pattern, Values: [/app/*]}]
      Actions:
        - Type: authenticate-cognito
          Order: 1
          AuthenticateCognitoConfig:
            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc
            UserPoolClientId: client
            UserPoolDomain: tickets
        - {Type: fixed-response, Order: 2, FixedResponseConfig: {StatusCode: "200"}}
`
	dir := t.TempDir()
	valuesPath := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(valuesPath, []byte("values:\n  acm:arn:aws:acm:us-east-1:1:certificate/abc: {certificate_file: cert.pem, private_key_file: key.pem}\n"), 0o644); err != nil {
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
	l := res.Config.LoadBalancers[0].Listeners[0]
	o := l.DefaultActions[0].AuthenticateOidcConfig
	if o == nil || o.Issuer != "https://idp.example.com" || o.ClientID != "web" || o.ClientSecret != "s3cret" || o.Scope != "openid email" ||
		o.SessionTimeout == nil || *o.SessionTimeout != 3600 || o.OnUnauthenticatedRequest != "deny" || o.AuthenticationRequestExtraParams["prompt"] != "login" {
		t.Errorf("oidc = %+v", o)
	}
	var jwt, cognito bool
	for _, r := range l.Rules {
		if j := r.Actions[0].JwtValidationConfig; j != nil {
			jwt = j.JwksEndpoint == "https://idp.example.com/jwks" && len(j.AdditionalClaims) == 1 && j.AdditionalClaims[0].Values[0] == "read"
		}
		if c := r.Actions[0].AuthenticateCognitoConfig; c != nil {
			cognito = c.UserPoolClientID == "client" && c.UserPoolDomain == "tickets"
		}
	}
	if !jwt || !cognito {
		t.Errorf("rules = %+v", l.Rules)
	}
	// The translated actions pass the same validation as Albatross YAML; only the certificate
	// files, which this test does not write, are left to the file check.
	if err := res.Config.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}
