package state

import (
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

func ptrTo[T any](v T) *T { return &v }

// fixtureResources are the records of testdata/state-v1.json, written by the release whose state
// file (version 1) named the spec fields after the Go fields: every kind of record, with the
// fields a user sets through the API.
func fixtureResources() *Resources {
	created := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	lb := "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/api/0123456789abcdef"
	ls := "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/api/0123456789abcdef/1111111111111111"
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/2222222222222222"
	return &Resources{
		LoadBalancers: []LoadBalancer{{ARN: lb, Source: SourceAPI, Created: created, Scheme: "internet-facing", IPAddressType: "ipv4",
			Tags: []Tag{{Key: "team", Value: "edge"}},
			Spec: config.LoadBalancer{Name: "api", Attributes: map[string]string{"access_logs.s3.enabled": "true", "access_logs.s3.prefix": "logs"}}}},
		Listeners: []Listener{{ARN: ls, LoadBalancerARN: lb, DefaultRuleARN: ls + "/default", Source: SourceAPI,
			Spec: config.Listener{Port: 8443, Protocol: "HTTPS", Address: "127.0.0.1", SSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
				Certificates:         []config.Certificate{{CertificateFile: "/etc/albatross/site.pem", PrivateKeyFile: "/etc/albatross/site.key"}},
				MutualAuthentication: &config.MutualAuthentication{Mode: "verify", TrustStore: []string{"/etc/albatross/ca.pem"}, IgnoreClientCertificateExpiry: true},
				Attributes:           map[string]string{"routing.http.response.server.enabled": "false"},
				DefaultActions: []config.Action{{Type: "fixed-response", Order: 1,
					FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404", ContentType: "text/plain", MessageBody: "nothing here"}}}}}},
		Rules: []Rule{
			{ARN: ls + "/rule/1", ListenerARN: ls, Source: SourceAPI, Tags: []Tag{{Key: "owner", Value: "web"}},
				Spec: config.Rule{Priority: 10,
					Conditions: []config.Condition{
						{Field: "path-pattern", PathPatternConfig: &config.ValuesConfig{Values: []string{"/api/*"}}},
						{Field: "http-header", HTTPHeaderConfig: &config.HTTPHeaderConfig{HTTPHeaderName: "X-Env", Values: []string{"prod"}}},
						{Field: "query-string", QueryStringConfig: &config.QueryStringConfig{Values: []config.KeyValue{{Key: "v", Value: "2"}}}},
						{Field: "source-ip", SourceIPConfig: &config.ValuesConfig{Values: []string{"10.0.0.0/8"}}},
					},
					Actions: []config.Action{{Type: "forward", ForwardConfig: &config.ForwardConfig{
						TargetGroups:                []config.TargetGroupTuple{{TargetGroupARN: tg, Weight: ptrTo(0)}, {TargetGroupName: "web", Weight: ptrTo(3)}},
						TargetGroupStickinessConfig: &config.TargetGroupStickinessConfig{Enabled: true, DurationSeconds: 300}}}},
					Transforms: []config.Transform{{Type: "url-rewrite", URLRewriteConfig: &config.RewriteConfig{Rewrites: []config.Rewrite{{Regex: "^/api/(.*)$", Replace: "/$1"}}}}}}},
			{ARN: ls + "/rule/2", ListenerARN: ls, Source: SourceAPI,
				Spec: config.Rule{Priority: 20,
					Conditions: []config.Condition{{Field: "host-header", Values: []string{"old.example.com"}}},
					Actions: []config.Action{{Type: "redirect", RedirectConfig: &config.RedirectConfig{Protocol: "HTTPS", Port: "443",
						Host: "new.example.com", Path: "/#{path}", Query: ptrTo(""), StatusCode: "HTTP_301"}}}}},
		},
		TargetGroups: []TargetGroup{{ARN: tg, Source: SourceAPI, Created: created, Tags: []Tag{{Key: "team", Value: "web"}},
			Spec: config.TargetGroup{Name: "web", TargetType: "ip", Protocol: "HTTP", ProtocolVersion: "HTTP1", Port: 8080,
				Targets:            []config.Target{{ID: "127.0.0.1", Port: 9001}, {ID: "127.0.0.1", Port: 9002, AvailabilityZone: "us-east-1a"}},
				HealthCheckEnabled: ptrTo(true), HealthCheckProtocol: "HTTP", HealthCheckPort: "traffic-port", HealthCheckPath: "/health",
				HealthCheckIntervalSeconds: ptrTo(10), HealthCheckTimeoutSeconds: ptrTo(5), HealthyThresholdCount: ptrTo(2), UnhealthyThresholdCount: ptrTo(3),
				Matcher:    &config.Matcher{HTTPCode: "200-299"},
				Attributes: map[string]string{"deregistration_delay.timeout_seconds": "10", "stickiness.enabled": "true"}}}},
		Functions: []Function{{ARN: "arn:aws:lambda:us-east-1:000000000000:function:hello", Source: SourceAPI, LastModified: created,
			CodeSHA256: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", CodeSize: 1234, Role: "arn:aws:iam::000000000000:role/hello", RevisionID: "r-1",
			Tags:        map[string]string{"team": "fn"},
			Permissions: []Permission{{StatementID: "alb", Action: "lambda:InvokeFunction", Principal: "elasticloadbalancing.amazonaws.com", SourceARN: tg}},
			Spec: config.Function{FunctionName: "hello", Runtime: "python3.12", Handler: "app.handler", Code: "/var/lib/albatross/functions/hello",
				Timeout: ptrTo(3), MemorySize: ptrTo(128), Environment: &config.Environment{Variables: map[string]string{"GREETING": "hi"}},
				ReservedConcurrentExecutions: ptrTo(2), ProvisionedConcurrency: 1, Description: "says hi"}}},
	}
}
