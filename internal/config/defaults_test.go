package config

import (
	"regexp"
	"testing"
	"time"
)

func TestHealthCheckDefaults(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		tg   TargetGroup
		want HealthCheck
	}{
		{desc: "instance §4.2", tg: TargetGroup{Port: 80}, want: HealthCheck{Enabled: true, Protocol: "HTTP", Port: "traffic-port",
			Path: "/", Interval: 30 * time.Second, Timeout: 5 * time.Second, HealthyThreshold: 5, UnhealthyThreshold: 2,
			Matcher: Matcher{HTTPCode: "200"}}},
		{desc: "grpc §4.2", tg: TargetGroup{TargetType: "ip", ProtocolVersion: "GRPC"}, want: HealthCheck{Enabled: true,
			Protocol: "HTTP", Port: "traffic-port", Path: "/AWS.ALB/healthcheck", Interval: 30 * time.Second,
			Timeout: 5 * time.Second, HealthyThreshold: 5, UnhealthyThreshold: 2, Matcher: Matcher{GrpcCode: "12"}}},
		{desc: "lambda §4.2 [amb] unhealthy 5", tg: TargetGroup{TargetType: "lambda"}, want: HealthCheck{Path: "/",
			Interval: 35 * time.Second, Timeout: 30 * time.Second, HealthyThreshold: 5, UnhealthyThreshold: 5,
			Matcher: Matcher{HTTPCode: "200"}}},
		{desc: "set values win", tg: TargetGroup{TargetType: "lambda", HealthCheckEnabled: ptr(true), HealthCheckPath: "/ping",
			HealthCheckIntervalSeconds: ptr(10), HealthCheckTimeoutSeconds: ptr(3), HealthyThresholdCount: ptr(2),
			UnhealthyThresholdCount: ptr(3), Matcher: &Matcher{HTTPCode: "200-299"}},
			want: HealthCheck{Enabled: true, Path: "/ping", Interval: 10 * time.Second, Timeout: 3 * time.Second,
				HealthyThreshold: 2, UnhealthyThreshold: 3, Matcher: Matcher{HTTPCode: "200-299"}}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := tc.tg.HealthCheck(); got != tc.want {
				t.Errorf("HealthCheck() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSuccessCodes(t *testing.T) {
	t.Parallel()
	rs := HealthCheck{Matcher: Matcher{HTTPCode: "200,202,300-399"}}.SuccessCodes()
	for code, want := range map[int]bool{200: true, 201: false, 202: true, 300: true, 399: true, 400: false} {
		if got := rs.Contains(code); got != want {
			t.Errorf("Contains(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestAttributeDefaults(t *testing.T) {
	t.Parallel()
	lb := LoadBalancer{Attributes: map[string]string{AttrIdleTimeoutSeconds: "120"}}
	testCases := []struct {
		desc, got, want string
	}{
		{"§10.1 set value", lb.Attribute(AttrIdleTimeoutSeconds), "120"},
		{"§10.1 xff default append", lb.Attribute(AttrXFFHeaderProcessingMode), "append"},
		{"§10.1 desync default", lb.Attribute(AttrDesyncMitigationMode), "defensive"},
		{"§10.1 keep-alive default", lb.Attribute(AttrClientKeepAliveSeconds), "3600"},
		{"§10.1 http2 default", lb.Attribute(AttrHTTP2Enabled), "true"},
		{"§10.2 server header default", Listener{}.Attribute(AttrResponseServerEnabled), "true"},
		{"§10.3 deregistration default", TargetGroup{}.Attribute(AttrDeregistrationDelay), "300"},
		{"§10.3 algorithm default", TargetGroup{}.Attribute(AttrAlgorithmType), "round_robin"},
		{"§10.3 not for lambda", TargetGroup{TargetType: "lambda"}.Attribute(AttrDeregistrationDelay), ""},
		{"§10.3 multi-value default", TargetGroup{TargetType: "lambda"}.Attribute(AttrLambdaMultiValueHeaders), "false"},
		{"§10.3 multi-value not for instance", TargetGroup{}.Attribute(AttrLambdaMultiValueHeaders), ""},
		{"§12.17 dns failover count", TargetGroup{}.Attribute("target_group_health.dns_failover.minimum_healthy_targets.count"), "1"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestEffectiveAttributes(t *testing.T) {
	t.Parallel()
	lambda := TargetGroup{TargetType: "lambda", Attributes: map[string]string{AttrLambdaMultiValueHeaders: "true"}}.EffectiveAttributes()
	if lambda[AttrLambdaMultiValueHeaders] != "true" {
		t.Errorf("lambda multi-value = %q, want true", lambda[AttrLambdaMultiValueHeaders])
	}
	if _, ok := lambda[AttrStickinessEnabled]; ok {
		t.Error("lambda target group reports stickiness.enabled, which does not apply to it")
	}
	lbDefaults := LoadBalancerAttributeDefaults()
	lbDefaults[AttrIdleTimeoutSeconds] = "1"
	if got := (LoadBalancer{}).Attribute(AttrIdleTimeoutSeconds); got != "60" {
		t.Errorf("defaults map is shared: idle timeout now %q", got)
	}
	if got := TargetGroupAttributeDefaults("")[AttrDeregistrationDelay]; got != "300" {
		t.Errorf("instance deregistration default = %q", got)
	}
}

func TestFunctionDefaults(t *testing.T) {
	t.Parallel()
	var f Function
	if f.EffectiveTimeout() != 3*time.Second || f.EffectiveMemorySize() != 128 || f.ConcurrencyLimit() != 1000 {
		t.Errorf("defaults = %v, %d MB, %d", f.EffectiveTimeout(), f.EffectiveMemorySize(), f.ConcurrencyLimit())
	}
	f = Function{Timeout: ptr(900), MemorySize: ptr(512), ReservedConcurrentExecutions: ptr(0)}
	if f.EffectiveTimeout() != 900*time.Second || f.EffectiveMemorySize() != 512 || f.ConcurrencyLimit() != 0 {
		t.Errorf("set = %v, %d MB, %d", f.EffectiveTimeout(), f.EffectiveMemorySize(), f.ConcurrencyLimit())
	}
}

var idRe = regexp.MustCompile(`[0-9a-f]{16}`)

// TestARNs: formats per docs/spec.md A.7, IDs stable and distinct per name.
func TestARNs(t *testing.T) {
	t.Parallel()
	var c Config
	id := idRe.String()
	testCases := []struct {
		desc, got, pattern string
	}{
		{"load balancer", c.LoadBalancerARN("web"), `^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/` + id + `$`},
		{"listener", c.ListenerARN("web", "", 8080), `^arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/` + id + `/` + id + `$`},
		{"rule", c.RuleARN("web", "", 8080, 10), `^arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/` + id + `/` + id + `/` + id + `$`},
		{"target group", c.TargetGroupARN("site"), `^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/site/` + id + `$`},
		{"function", c.FunctionARN("api"), `^arn:aws:lambda:us-east-1:000000000000:function:api$`},
		{"configured region", Config{Region: "eu-west-1", AccountID: "123456789012"}.FunctionARN("api"), `^arn:aws:lambda:eu-west-1:123456789012:function:api$`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if !regexp.MustCompile(tc.pattern).MatchString(tc.got) {
				t.Errorf("%s does not match %s", tc.got, tc.pattern)
			}
		})
	}
	again := Config{}
	if c.TargetGroupARN("site") != again.TargetGroupARN("site") || c.TargetGroupARN("site") == c.TargetGroupARN("api") {
		t.Error("target group IDs are not stable per name")
	}
	// Pinned: IDs must never change between releases, or ARNs users saved would break.
	if got := c.TargetGroupARN("site"); got != "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/site/4821ede4cae098bc" {
		t.Errorf("TargetGroupARN = %s", got)
	}
	lb := c.LoadBalancerARN("web")
	if l := c.ListenerARN("web", "", 8080); l[len(l)-33:len(l)-17] != lb[len(lb)-16:] {
		t.Errorf("listener ARN %s does not embed the load balancer ID of %s", l, lb)
	}
	if c.ListenerARN("web", "", 8080) == c.ListenerARN("web", "", 8081) {
		t.Error("listener IDs collide across ports")
	}
}

func TestParseARNs(t *testing.T) {
	t.Parallel()
	var c Config
	if name, ok := ParseTargetGroupARN(c.TargetGroupARN("site")); !ok || name != "site" {
		t.Errorf("ParseTargetGroupARN(own) = %q, %v", name, ok)
	}
	for _, bad := range []string{"site", "arn:aws:elasticloadbalancing:r:a:loadbalancer/app/x/y", "arn:aws:elasticloadbalancing:r:a:targetgroup//id"} {
		if _, ok := ParseTargetGroupARN(bad); ok {
			t.Errorf("ParseTargetGroupARN(%q) accepted", bad)
		}
	}
	if name, q, ok := ParseFunctionARN("arn:aws:lambda:us-east-1:000000000000:function:api:7"); !ok || name != "api" || q != "7" {
		t.Errorf("ParseFunctionARN = %q, %q, %v", name, q, ok)
	}
	for _, bad := range []string{"api", "arn:aws:lambda:r:a:layer:x", "arn:aws:lambda:r:a:function:", "arn:aws:lambda:r:a:function:x:"} {
		if _, _, ok := ParseFunctionARN(bad); ok {
			t.Errorf("ParseFunctionARN(%q) accepted", bad)
		}
	}
	cfg := Config{TargetGroups: []TargetGroup{{Name: "site"}}, Functions: []Function{{FunctionName: "api"}}}
	if tg, ok := cfg.LookupTargetGroup(c.TargetGroupARN("site")); !ok || tg.Name != "site" {
		t.Error("LookupTargetGroup by ARN failed")
	}
	if f, ok := cfg.LookupFunction("arn:aws:lambda:us-east-1:000000000000:function:api:live"); !ok || f.FunctionName != "api" {
		t.Error("LookupFunction by qualified ARN failed")
	}
	if _, ok := cfg.LookupFunction("nope"); ok {
		t.Error("LookupFunction found an undefined function")
	}
}
