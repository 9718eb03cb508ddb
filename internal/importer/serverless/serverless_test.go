package serverless

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/importer/values"
)

// service writes a serverless.yml (and extra files) into a temp folder and loads it.
func service(t *testing.T, yml string, opts Options, files ...string) (*Result, error) {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i+1 < len(files); i += 2 {
		if err := os.WriteFile(filepath.Join(dir, files[i]), []byte(files[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "handler.js"), []byte("exports.h = async () => ({statusCode: 200})"), 0o644); err != nil {
		t.Fatal(err)
	}
	if opts.Env == nil {
		opts.Env = func(string) (string, bool) { return "", false }
	}
	opts.CacheDir = t.TempDir()
	path := filepath.Join(dir, "serverless.yml")
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path, opts)
}

const albService = `service: shop
provider:
  name: aws
  runtime: nodejs20.x
%s
functions:
  webapi:
    handler: handler.h
    events:
      - alb:
          listenerArn: {Ref: Listener}
          priority: %s
          conditions:
            path: /api/*
  s3:
    handler: handler.h
    events:
      - alb:
          listenerArn: {Ref: Listener}
          priority: 2
          conditions:
            path: /assets/*
resources:
  Resources:
    LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer}
    Listener:
      Type: AWS::ElasticLoadBalancingV2::Listener
      Properties:
        LoadBalancerArn: {Ref: LB}
        Port: 80
        DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]
`

func svc(extra, priority string) string {
	return strings.Replace(strings.Replace(albService, "%s", extra, 1), "%s", priority, 1)
}

func TestPriorityClashIsReportedAsServerlessDoes(t *testing.T) {
	_, err := service(t, svc("", "2"), Options{})
	want := "serverless.yml:12:21 functions.webapi.events[0].alb.priority: 2 is already used by function s3 on listener Listener"
	if err == nil {
		t.Fatal("want a clash")
	}
	// Serverless reports the event that comes second; here s3's (line 20) clashes with webapi's.
	if !strings.Contains(err.Error(), "serverless.yml:20:21 functions.s3.events[0].alb.priority: 2 is already used by function webapi on listener Listener") {
		t.Errorf("err = %v (shape %q)", err, want)
	}
}

func TestExternalValuesComeFromTheValuesFile(t *testing.T) {
	extra := `  environment:
    DB: ${ssm:/shop/db}
    VPC: ${cf:network.VpcId}
    BLOB: ${s3:shop-config/blob.txt}
    ACCOUNT: ${aws:accountId}`
	vals := values.FromMaps(map[string]any{"ssm:/shop/db": "db.internal", "cf:network.VpcId": "vpc-9", "s3:shop-config/blob.txt": 42}, nil, nil)
	res, err := service(t, svc(extra, "1"), Options{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	env := res.Config.Functions[0].Environment.Variables
	if env["DB"] != "db.internal" || env["VPC"] != "vpc-9" || env["BLOB"] != "42" || env["ACCOUNT"] != "000000000000" {
		t.Errorf("env = %v", env)
	}
	_, err = service(t, svc(extra, "1"), Options{})
	if err == nil || !strings.Contains(err.Error(), `serverless.yml:6:9 provider.environment.DB: ${ssm:/shop/db}: "ssm:/shop/db" is needed and not given: pass --values FILE with it under "values:"`) {
		t.Errorf("err = %v", err)
	}
}

func TestVariables(t *testing.T) {
	extra := `  stage: ${opt:stage, 'dev'}
  environment:
    A: ${self:custom.a}
    NESTED: ${self:custom.byStage.${sls:stage}}
    FALLBACK: ${env:NOPE, self:custom.a}
    NUMBER: ${self:custom.n}
    TEXT: "x-${self:custom.n}-${sls:stage}"
    FROMFILE: ${file(./vars.yml):deep.key}
    WHOLE: ${file(./vars.json)}
    PARAM: ${param:p}
    V4PARAM: ${param:v4}
    BOOL: ${strToBool(0)}
stages:
  default:
    params:
      v4: from-stages
custom:
  a: alpha
  n: 7
  byStage:
    prod: p-value`
	vars := []string{"vars.yml", "deep:\n  key: from-file\n", "vars.json", `"json-string"`}
	res, err := service(t, svc(extra, "1"), Options{Stage: "prod", Params: map[string]string{"p": "given"}}, vars...)
	if err != nil {
		t.Fatal(err)
	}
	env := res.Config.Functions[0].Environment.Variables
	want := map[string]string{"A": "alpha", "NESTED": "p-value", "FALLBACK": "alpha", "NUMBER": "7", "TEXT": "x-7-prod",
		"FROMFILE": "from-file", "WHOLE": "json-string", "PARAM": "given", "BOOL": "false", "V4PARAM": "from-stages"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if res.Config.Functions[0].FunctionName != "shop-prod-webapi" {
		t.Errorf("name = %s", res.Config.Functions[0].FunctionName)
	}
	if !strings.HasSuffix(res.Watch[1], "vars.yml") {
		t.Errorf("the file() sources are watched: %v", res.Watch)
	}
}

func TestVariableProblems(t *testing.T) {
	tests := []struct{ extra, want string }{
		{"  environment:\n    A: ${self:custom.missing}", `serverless.yml:6:8 provider.environment.A: ${self:custom.missing}: value not found at "custom" in self`},
		{"  environment:\n    A: ${self:custom.loop}\ncustom:\n  loop: ${self:custom.loop}", "variable refers to itself"},
		{"  environment:\n    A: ${opt:nope}", "option --nope is not given (pass --param nope=VALUE)"},
		{"  environment:\n    A: ${foo:bar}", `unknown variable source "foo"`},
		{"  environment:\n    A: ${file(./nope.yml)}", "file ./nope.yml cannot be read"},
		{"  environment:\n    A: ${file(./x.js):y}", "JavaScript files are not evaluated"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := service(t, svc(tt.extra, "1"), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// Variables in sections Albatross does not use need no value.
func TestUnusedSectionsAreNotResolved(t *testing.T) {
	extra := "  deploymentBucket: ${ssm:/not/given}\n  iam:\n    role: ${cf:other.Role}"
	if _, err := service(t, svc(extra, "1"), Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestEventProblemsAllAtOnce(t *testing.T) {
	yml := `service: shop
provider: {name: aws, runtime: nodejs20.x}
functions:
  a:
    handler: handler.h
    events:
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/50dc6c495c0c9188/
          priority: 0
          conditions: {}
          colour: blue
  b:
    handler: handler.h
    events:
      - alb:
          listenerArn: {"Fn::ImportValue": shared}
          priority: 3
          conditions: {pathz: /x}
`
	_, err := service(t, yml, Options{})
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{
		"serverless.yml:11:11 functions.a.events[0].alb.colour: unrecognized property",
		"serverless.yml:8:24 functions.a.events[0].alb.listenerArn: \"arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/50dc6c495c0c9188/\" is not an ALB listener ARN",
		"serverless.yml:9:21 functions.a.events[0].alb.priority: must be an integer from 1 to 50000",
		"serverless.yml:10:23 functions.a.events[0].alb.conditions: Cannot setup \"alb\" event in \"a\" function: At least one condition must be defined",
		"serverless.yml:16:24 functions.b.events[0].alb.listenerArn: must be a listener ARN string or {Ref: <listener logical id>}",
		"serverless.yml:18:24 functions.b.events[0].alb.conditions.pathz: unrecognized condition",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestNamesMatchServerless(t *testing.T) {
	tests := map[string]string{"hello-world": "HelloDashworld", "admin_panel": "AdminUnderscorepanel", "api": "Api"}
	for in, want := range tests {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAuthorizerBecomesAuthenticateOIDC: an alb event's authorizer compiles, as Serverless v3
// compiles it, to an authenticate-oidc action that runs before the forward.
func TestAuthorizerBecomesAuthenticateOIDC(t *testing.T) {
	extra := `  alb:
    authorizers:
      corp:
        type: oidc
        authorizationEndpoint: https://idp/auth
        clientId: c
        issuer: https://idp
        tokenEndpoint: https://idp/token
        userInfoEndpoint: https://idp/userinfo`
	yml := strings.Replace(svc(extra, "1"), "            path: /api/*", "            path: /api/*\n          authorizer: corp", 1)
	res, err := service(t, yml, Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, lb := range res.Config.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, r := range l.Rules {
				for _, a := range r.Actions {
					if c := a.AuthenticateOidcConfig; c != nil {
						found = a.Type == "authenticate-oidc" && c.Issuer == "https://idp" && c.ClientID == "c" &&
							c.TokenEndpoint == "https://idp/token" && len(r.Actions) == 2
					}
				}
			}
		}
	}
	if !found {
		t.Errorf("no authenticate-oidc action from the authorizer: %+v", res.Config.LoadBalancers)
	}
}

func FuzzService(f *testing.F) {
	f.Add([]byte(svc("", "1")))
	f.Add([]byte("service: ${self:service}\nprovider: {name: aws}\nfunctions: {a: {handler: h.h, events: [{alb: ${self:x}}]}}"))
	f.Add([]byte("service: s\ncustom: {a: '${self:custom.b}', b: '${self:custom.a}'}\nprovider: {name: aws, runtime: '${self:custom.a}'}\n"))
	dir := f.TempDir()
	path := filepath.Join(dir, "serverless.yml")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = load(path, data, Options{Env: func(string) (string, bool) { return "", false }, CacheDir: dir})
	})
}

// An alb event on an existing load balancer's listener (an ARN string) runs when the values
// file describes that listener.
func TestExternalListenerFromValues(t *testing.T) {
	arn := "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2"
	yml := `service: shop
provider: {name: aws, runtime: nodejs20.x}
functions:
  api:
    handler: handler.h
    events:
      - alb:
          listenerArn: ` + arn + `
          priority: 4
          conditions: {path: /api}
`
	_, err := service(t, yml, Options{})
	if err == nil || !strings.Contains(err.Error(), `"listener:`+arn+`" is needed and not given`) {
		t.Fatalf("err = %v", err)
	}
	vals := values.FromMaps(map[string]any{"listener:" + arn: map[string]any{"port": 8080, "protocol": "HTTP"}}, nil, nil)
	res, err := service(t, yml, Options{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	lb := res.Config.LoadBalancers[0]
	if lb.Name != "shared" || lb.Listeners[0].Port != 8080 || lb.Listeners[0].Rules[0].Priority != 4 {
		t.Errorf("load balancer = %+v", lb)
	}
	if tg := res.Config.TargetGroups[0].Name; tg != md5Name("shop-api-50dc6c495c0c9188-dev") {
		t.Errorf("target group name %s: the alb id is the ARN's load balancer id", tg)
	}
	if err := res.Config.Validate(); err != nil {
		t.Fatal(err)
	}
}

func md5Name(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
