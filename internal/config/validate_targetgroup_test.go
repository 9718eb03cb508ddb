package config

import (
	"fmt"
	"testing"
)

func site(c *Config) *TargetGroup { return &c.TargetGroups[0] }

func apiTG(c *Config) *TargetGroup { return &c.TargetGroups[1] }

func TestValidateTargetGroups(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "TG-01 unknown type", want: paths(tg0 + ".target_type"), mutate: func(c *Config) { site(c).TargetType = "alb" }},
		{desc: "TG-02 ip group", mutate: func(c *Config) { site(c).TargetType = TargetTypeIP }},
		{desc: "TG-02 port required", want: paths(tg0 + ".port"), mutate: func(c *Config) { site(c).Port = 0 }},
		{desc: "TG-02 protocol", want: paths(tg0 + ".protocol"), mutate: func(c *Config) { site(c).Protocol = "TCP" }},
		{desc: "TG-02 protocol version", want: paths(tg0 + ".protocol_version"), mutate: func(c *Config) { site(c).ProtocolVersion = "HTTP3" }},
		{desc: "TG-02 HTTPS and HTTP2", mutate: func(c *Config) {
			site(c).Protocol, site(c).ProtocolVersion = "HTTPS", "HTTP2"
			httpsListener(c)
		}},
		{desc: "H2-06 HTTP2 group behind an HTTP listener", want: paths("load_balancers[0].listeners[0].default_actions[0]"), mutate: func(c *Config) {
			site(c).ProtocolVersion = "HTTP2"
		}},
		{desc: "H2-06 GRPC group behind an HTTP listener", want: paths("load_balancers[0].listeners[0].default_actions[0]"), mutate: func(c *Config) {
			site(c).ProtocolVersion = ProtocolVersionGRPC
		}},
		{desc: "ip target must be an address", want: paths(tg0 + ".targets[0].id"), mutate: func(c *Config) {
			site(c).TargetType = TargetTypeIP
			site(c).Targets[0].ID = "localhost"
		}},
		{desc: "instance target may be a host name", mutate: func(c *Config) { site(c).Targets[0].ID = "backend.local" }},
		{desc: "instance target id invalid", want: paths(tg0 + ".targets[0].id"), mutate: func(c *Config) { site(c).Targets[0].ID = "not a host" }},
		{desc: "target port", want: paths(tg0 + ".targets[0].port"), mutate: func(c *Config) { site(c).Targets[0].Port = 70000 }},
		{desc: "duplicate target", want: paths(tg0 + ".targets[1]"), mutate: func(c *Config) {
			site(c).Targets = append(site(c).Targets, site(c).Targets[0])
		}},
		{desc: "same address, other port", mutate: func(c *Config) {
			site(c).Targets = append(site(c).Targets, Target{ID: "127.0.0.1", Port: 8082})
		}},
		{desc: "1001 targets", want: paths(tg0 + ".targets"), mutate: func(c *Config) {
			site(c).Targets = nil
			for i := range 1001 {
				site(c).Targets = append(site(c).Targets, Target{ID: fmt.Sprintf("10.0.%d.%d", i/250, i%250)})
			}
		}},
		{desc: "TG-01 lambda takes no port, protocol or version", want: paths(tg1+".protocol", tg1+".port", tg1+".protocol_version"),
			mutate: func(c *Config) { apiTG(c).Protocol, apiTG(c).Port, apiTG(c).ProtocolVersion = "HTTP", 80, "HTTP1" }},
		{desc: "TG-01 lambda by ARN with qualifier", mutate: func(c *Config) {
			apiTG(c).Targets[0].ID = "arn:aws:lambda:us-east-1:000000000000:function:api:live"
		}},
		{desc: "TG-01 lambda ARN of unknown function", want: paths(tg1 + ".targets[0].id"), mutate: func(c *Config) {
			apiTG(c).Targets[0].ID = "arn:aws:lambda:us-east-1:000000000000:function:other"
		}},
		{desc: "TG-01 lambda malformed ARN", want: paths(tg1 + ".targets[0].id"), mutate: func(c *Config) {
			apiTG(c).Targets[0].ID = "arn:aws:lambda:us-east-1:000000000000:api"
		}},
		{desc: "TG-01 lambda unknown function", want: paths(tg1 + ".targets[0].id"), mutate: func(c *Config) { apiTG(c).Targets[0].ID = "nope" }},
		{desc: "TG-01 lambda two targets", want: paths(tg1 + ".targets"), mutate: func(c *Config) {
			apiTG(c).Targets = append(apiTG(c).Targets, Target{ID: "api"})
		}},
		{desc: "TG-01 lambda without target", mutate: func(c *Config) { apiTG(c).Targets = nil }},
		{desc: "lambda target port", want: paths(tg1 + ".targets[0].port"), mutate: func(c *Config) { apiTG(c).Targets[0].Port = 80 }},
	})
}

func TestValidateHealthChecks(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "§4.2 ranges at their edges", mutate: func(c *Config) {
			site(c).HealthCheckIntervalSeconds, site(c).HealthCheckTimeoutSeconds = ptr(300), ptr(120)
			site(c).HealthyThresholdCount, site(c).UnhealthyThresholdCount = ptr(10), ptr(2)
		}},
		{desc: "§4.2 interval 4", want: paths(tg0 + ".health_check_interval_seconds"), mutate: func(c *Config) { site(c).HealthCheckIntervalSeconds = ptr(4) }},
		{desc: "§4.2 timeout 121", want: paths(tg0 + ".health_check_timeout_seconds"), mutate: func(c *Config) { site(c).HealthCheckTimeoutSeconds = ptr(121) }},
		{desc: "§4.2 healthy threshold 1", want: paths(tg0 + ".healthy_threshold_count"), mutate: func(c *Config) { site(c).HealthyThresholdCount = ptr(1) }},
		{desc: "§4.2 unhealthy threshold 11", want: paths(tg0 + ".unhealthy_threshold_count"), mutate: func(c *Config) { site(c).UnhealthyThresholdCount = ptr(11) }},
		{desc: "§4.2 timeout not below interval", want: paths(tg0 + ".health_check_timeout_seconds"), mutate: func(c *Config) {
			site(c).HealthCheckIntervalSeconds = ptr(5) // default timeout is 5
		}},
		{desc: "§4.2 lambda timeout against lambda interval 35", want: paths(tg1 + ".health_check_timeout_seconds"), mutate: func(c *Config) {
			apiTG(c).HealthCheckTimeoutSeconds = ptr(35)
		}},
		{desc: "§4.2 instance checks cannot be disabled", want: paths(tg0 + ".health_check_enabled"), mutate: func(c *Config) {
			site(c).HealthCheckEnabled = ptr(false)
		}},
		{desc: "§4.2 lambda checks enabled", mutate: func(c *Config) { apiTG(c).HealthCheckEnabled = ptr(true) }},
		{desc: "§4.2 lambda takes no health check port or protocol", want: paths(tg1+".health_check_protocol", tg1+".health_check_port"),
			mutate: func(c *Config) { apiTG(c).HealthCheckProtocol, apiTG(c).HealthCheckPort = "HTTP", "80" }},
		{desc: "§4.2 health check port", want: paths(tg0 + ".health_check_port"), mutate: func(c *Config) { site(c).HealthCheckPort = "traffic" }},
		{desc: "§4.2 health check port number", mutate: func(c *Config) { site(c).HealthCheckPort = "9000" }},
		{desc: "§4.2 path must start with /", want: paths(tg0 + ".health_check_path"), mutate: func(c *Config) { site(c).HealthCheckPath = "health" }},
		{desc: "§4.2 path with query", mutate: func(c *Config) { site(c).HealthCheckPath = "/health?deep=1" }},
		{desc: "§4.2 matcher list and range", mutate: func(c *Config) { site(c).Matcher = &Matcher{HTTPCode: "200,202,300-399"} }},
		{desc: "§4.2 matcher 500", want: paths(tg0 + ".matcher.http_code"), mutate: func(c *Config) { site(c).Matcher = &Matcher{HTTPCode: "200-500"} }},
		{desc: "§4.2 matcher reversed range", want: paths(tg0 + ".matcher.http_code"), mutate: func(c *Config) { site(c).Matcher = &Matcher{HTTPCode: "299-200"} }},
		{desc: "§4.2 matcher empty", want: paths(tg0 + ".matcher.http_code"), mutate: func(c *Config) { site(c).Matcher = &Matcher{} }},
		{desc: "§4.2 grpc code on HTTP1", want: paths(tg0 + ".matcher.grpc_code"), mutate: func(c *Config) {
			site(c).Matcher = &Matcher{HTTPCode: "200", GrpcCode: "0"}
		}},
		{desc: "§4.2 grpc codes", mutate: func(c *Config) {
			site(c).ProtocolVersion, site(c).Matcher = ProtocolVersionGRPC, &Matcher{GrpcCode: "0-99"}
			httpsListener(c)
		}},
		{desc: "§4.2 grpc code 100", want: paths(tg0 + ".matcher.grpc_code"), mutate: func(c *Config) {
			site(c).ProtocolVersion, site(c).Matcher = ProtocolVersionGRPC, &Matcher{GrpcCode: "100"}
			httpsListener(c)
		}},
	})
}

func TestValidateTargetGroupAttributes(t *testing.T) {
	t.Parallel()
	attr := func(tg, k string) string { return tg + `.attributes["` + k + `"]` }
	set := func(tg func(*Config) *TargetGroup, kv ...string) mutation {
		return func(c *Config) {
			tg(c).Attributes = map[string]string{}
			for i := 0; i < len(kv); i += 2 {
				tg(c).Attributes[kv[i]] = kv[i+1]
			}
		}
	}
	runValidation(t, []validationCase{
		{desc: "instance attributes", mutate: set(site, AttrDeregistrationDelay, "0", AttrStickinessEnabled, "true",
			AttrStickinessType, "app_cookie", AttrStickinessAppCookieName, "SESSION", AttrAlgorithmType, "weighted_random",
			AttrAnomalyMitigation, "on", AttrSlowStartSeconds, "30",
			"target_group_health.dns_failover.minimum_healthy_targets.count", "off",
			"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "100")},
		{desc: "lambda attributes", mutate: set(apiTG, AttrLambdaMultiValueHeaders, "true", AttrLambdaStrict, "false", AttrCrossZoneEnabled, "true")},
		{desc: "§10.3 lambda-only key on instance group", want: paths(attr(tg0, AttrLambdaMultiValueHeaders)), mutate: set(site, AttrLambdaMultiValueHeaders, "true")},
		{desc: "ALG-04 deregistration delay not for lambda", want: paths(attr(tg1, AttrDeregistrationDelay)), mutate: set(apiTG, AttrDeregistrationDelay, "5")},
		{desc: "ALG-04 deregistration delay 3601", want: paths(attr(tg0, AttrDeregistrationDelay)), mutate: set(site, AttrDeregistrationDelay, "3601")},
		{desc: "ALG-03 slow start 29", want: paths(attr(tg0, AttrSlowStartSeconds)), mutate: set(site, AttrSlowStartSeconds, "29")},
		{desc: "ALG-02 slow start with least outstanding", want: paths(attr(tg0, AttrSlowStartSeconds)),
			mutate: set(site, AttrSlowStartSeconds, "60", AttrAlgorithmType, "least_outstanding_requests")},
		{desc: "ALG-01 anomaly mitigation needs weighted_random", want: paths(attr(tg0, AttrAnomalyMitigation)), mutate: set(site, AttrAnomalyMitigation, "on")},
		{desc: "STK-01 app cookie name reserved", want: paths(attr(tg0, AttrStickinessAppCookieName)), mutate: set(site, AttrStickinessAppCookieName, "AWSALBAPP-1")},
		{desc: "STK-01 app cookie needs a name", want: paths(attr(tg0, AttrStickinessAppCookieName)),
			mutate: set(site, AttrStickinessEnabled, "true", AttrStickinessType, "app_cookie")},
		{desc: "STK-01 lb cookie duration 0", want: paths(attr(tg0, AttrStickinessLBCookieSeconds)), mutate: set(site, AttrStickinessLBCookieSeconds, "0")},
		{desc: "HC-05 percentage 101", want: paths(attr(tg0, "target_group_health.dns_failover.minimum_healthy_targets.percentage")),
			mutate: set(site, "target_group_health.dns_failover.minimum_healthy_targets.percentage", "101")},
		{desc: "albatross.lambda.strict not for instance", want: paths(attr(tg0, AttrLambdaStrict)), mutate: set(site, AttrLambdaStrict, "true")},
		{desc: "albatross.lambda.strict bool", want: paths(attr(tg1, AttrLambdaStrict)), mutate: set(apiTG, AttrLambdaStrict, "yes")},
		{desc: "unknown key", want: paths(attr(tg0, "stickiness.enable")), mutate: set(site, "stickiness.enable", "true")},
	})
}
