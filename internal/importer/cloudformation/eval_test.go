package cloudformation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/albatross-lb/albatross/internal/importer/yamlsrc"
)

// evalTemplate is a template whose Outputs.X.Value is the expression under test.
const evalTemplate = `
Parameters:
  Stage: {Type: String, Default: dev}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
  Ssm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /shop/name}
Mappings:
  M:
    dev: {Size: "1", List: [x, y]}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  NotDev: !Not [!Condition IsDev]
  Both: !And [!Condition IsDev, !Equals [a, a]]
  Either: !Or [!Condition NotDev, !Equals [a, b]]
Resources:
  LB:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Name: web}
  TG:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Name: tg, TargetType: lambda}
  L:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {LoadBalancerArn: !Ref LB, Port: 8080}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: shop-fn}
  Alias:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref Fn, Name: live}
  Queue:
    Type: AWS::SQS::Queue
Outputs:
  X:
    Value: %s
`

func evalExpr(t *testing.T, expr string) (any, error) {
	t.Helper()
	vals := values.FromMaps(map[string]any{"ssm:/shop/name": "tickets", "import:SharedVpc": "vpc-1", "attr:Queue.Arn": "arn:aws:sqs:q"}, nil, nil)
	tmpl, err := Parse([]byte(fmt.Sprintf(evalTemplate, expr)), Options{File: "t.yaml", StackName: "shop", Values: vals})
	if err != nil {
		return nil, err
	}
	n := yamlsrc.Get(yamlsrc.Get(yamlsrc.Get(tmpl.root, "Outputs"), "X"), "Value")
	v, e := tmpl.eval(n, "Outputs.X.Value")
	if e != nil {
		return nil, e
	}
	if u, ok := v.(unknown); ok {
		return nil, fmt.Errorf("unknown: %s", u.why)
	}
	return v, nil
}

func TestIntrinsics(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`!Ref Stage`, "dev"},
		{`!Ref Names`, "[a b c]"},
		{`!Ref Ssm`, "tickets"},
		{`!Ref AWS::Region`, "us-east-1"},
		{`!Ref AWS::AccountId`, "000000000000"},
		{`!Ref AWS::StackName`, "shop"},
		{`!Ref AWS::Partition`, "aws"},
		{`!Ref AWS::URLSuffix`, "amazonaws.com"},
		{`!Ref AWS::StackId`, "arn:aws:cloudformation:us-east-1:000000000000:stack/shop/00000000-0000-0000-0000-000000000000"},
		{`!Ref AWS::NotificationARNs`, "[]"},
		{`[a, !Ref AWS::NoValue, b]`, "[a b]"},
		{`!Ref LB`, "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/"},
		{`!Ref TG`, "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/"},
		{`!Ref L`, "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/"},
		{`!Ref Fn`, "shop-fn"},
		{`!Ref Alias`, "arn:aws:lambda:us-east-1:000000000000:function:shop-fn:live"},
		{`!GetAtt Fn.Arn`, "arn:aws:lambda:us-east-1:000000000000:function:shop-fn"},
		{`{"Fn::GetAtt": [LB, LoadBalancerName]}`, "web"},
		{`!GetAtt LB.LoadBalancerFullName`, "app/web/"},
		{`!GetAtt LB.DNSName`, "web-"},
		{`!GetAtt TG.TargetGroupName`, "tg"},
		{`!GetAtt TG.TargetGroupFullName`, "targetgroup/tg/"},
		{`!GetAtt L.ListenerArn`, "listener/app/web/"},
		{`!GetAtt Alias.AliasArn`, "function:shop-fn:live"},
		{`!GetAtt Queue.Arn`, "arn:aws:sqs:q"},
		{`!Sub "${AWS::StackName}-${Stage}"`, "shop-dev"},
		{`!Sub "${Fn.Arn}"`, "function:shop-fn"},
		{`!Sub "${!Literal}-${Stage}"`, "${Literal}-dev"},
		{`!Sub ["${A}-${B}", {A: x, B: !Ref Stage}]`, "x-dev"},
		{`!Join [",", [a, !Ref Stage]]`, "a,dev"},
		{`!Join ["", !Ref Names]`, "abc"},
		{`!Select [2, !Ref Names]`, "c"},
		{`!Select ["1", [p, q]]`, "q"},
		{`!Split ["/", "a/b/c"]`, "[a b c]"},
		{`!If [IsDev, yes-dev, no]`, "yes-dev"},
		{`!If [NotDev, yes, !Ref AWS::NoValue]`, "{}"},
		{`!If [Both, both, no]`, "both"},
		{`!If [Either, yes, neither]`, "neither"},
		{`!FindInMap [M, !Ref Stage, Size]`, "1"},
		{`!FindInMap [M, dev, List]`, "[x y]"},
		{`!FindInMap [M, dev, Nope, {DefaultValue: d}]`, "d"},
		{`!GetAZs ""`, "[us-east-1a us-east-1b us-east-1c]"},
		{`!ImportValue SharedVpc`, "vpc-1"},
		{`!Base64 hi`, "aGk="},
		{`!Equals [a, a]`, "true"},
		{`{"Fn::Not": [{"Fn::Equals": [a, a]}]}`, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			v, err := evalExpr(t, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(v)
			if v == noValue {
				got = "{}"
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestIntrinsicErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`!Ref Nope`, "Nope is not a parameter, pseudo parameter or resource"},
		{`!Ref AWS::Nope`, "unknown pseudo parameter AWS::Nope"},
		{`!GetAtt LB.Nope`, "LB (AWS::ElasticLoadBalancingV2::LoadBalancer) has no attribute Nope"},
		{`!GetAtt Nope.Arn`, "Nope is not a resource"},
		{`!Ref Queue`, "depends on Resources.Queue (AWS::SQS::Queue), which Albatross does not run: give its value in --values as attr:Queue.Ref"},
		{`!ImportValue Missing`, `"import:Missing" is needed and not given`},
		{`!Select [5, [a]]`, `index "5" is out of range`},
		{`!FindInMap [M, prod, Size]`, "mapping M has no key \"prod\""},
		{`!If [Nope, a, b]`, `condition "Nope" is not defined`},
		{`!Sub "${Unclosed"`, "unterminated ${"},
		{`!Join [",", notalist]`, "must be a list"},
		{`!Cidr [10.0.0.0/16, 2, 8]`, "Fn::Cidr is not supported"},
		{`{"Fn::Nope": x}`, "t.yaml:34:13 Outputs.X.Value: unknown intrinsic function Fn::Nope"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := evalExpr(t, tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// A template's problems all come back at once, each with file, line, column and path.
func TestTemplateProblemsAtOnce(t *testing.T) {
	src := `Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
  Size: {Type: Number, Default: "12", MaxValue: 10}
Resources:
  L:
    Type: AWS::ElasticLoadBalancingV2::Listener
    DependsOn: [Ghost]
    Properties: {LoadBalancerArn: !Ref Nowhere, Port: 80}
  R:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Condition: Missing
`
	_, err := Parse([]byte(src), Options{File: "t.yaml", Params: map[string]string{"Other": "x"}})
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{
		"t.yaml:2:3 Parameters.Stage: needs a value: pass --param Stage=VALUE",
		"t.yaml:3:3 Parameters.Size: value 12 is above MaxValue 10",
		"Parameters: --param Other: the template has no parameter",
		"t.yaml:7:17 Resources.L.DependsOn[0]: resource \"Ghost\" is not defined in Resources",
		"t.yaml:11:16 Resources.R.Condition: condition \"Missing\" is not defined in Conditions",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	fixed := strings.Replace(src[:strings.Index(src, "  R:")], "Stage: {Type: String,", "Stage: {Type: String, Default: dev,", 1)
	fixed = strings.Replace(fixed, "    DependsOn: [Ghost]\n", "", 1)
	tmpl, err := Parse([]byte(fixed), Options{File: "t.yaml", Params: map[string]string{"Size": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tmpl.Translate()
	if err == nil || !strings.Contains(err.Error(), "t.yaml:7:35 Resources.L.Properties.LoadBalancerArn.Ref: Nowhere is not a parameter") || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("translate: %v", err)
	}
}
