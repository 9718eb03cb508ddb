package config

import (
	"fmt"
	"testing"
)

func TestValidateNames(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "32 characters ok", mutate: func(c *Config) {
			c.LoadBalancers[0].Name = "a234567890123456789012345678901b"
		}},
		{desc: "33 characters", want: paths(lb0 + ".name"), mutate: func(c *Config) {
			c.LoadBalancers[0].Name = "a234567890123456789012345678901bc"
		}},
		{desc: "leading hyphen", want: paths(lb0 + ".name"), mutate: func(c *Config) { c.LoadBalancers[0].Name = "-web" }},
		{desc: "trailing hyphen", want: paths(tg0 + ".name"), mutate: func(c *Config) {
			c.TargetGroups[0].Name = "site-"
			c.LoadBalancers[0].Listeners[0].DefaultActions[0].TargetGroupName = "site-"
		}},
		{desc: "underscore", want: paths(lb0 + ".name"), mutate: func(c *Config) { c.LoadBalancers[0].Name = "my_lb" }},
		{desc: "empty", want: paths(lb0 + ".name"), mutate: func(c *Config) { c.LoadBalancers[0].Name = "" }},
		{desc: "internal- prefix", want: paths(lb0 + ".name"), mutate: func(c *Config) { c.LoadBalancers[0].Name = "internal-web" }},
		{desc: "duplicate load balancer", want: paths("load_balancers[1].name"), mutate: func(c *Config) {
			c.LoadBalancers = append(c.LoadBalancers, LoadBalancer{Name: "web"})
		}},
		{desc: "duplicate target group", want: paths("target_groups[2].name"), mutate: func(c *Config) {
			c.TargetGroups = append(c.TargetGroups, TargetGroup{Name: "site", Port: 80})
		}},
		{desc: "region and account", want: paths("region", "account_id"), mutate: func(c *Config) {
			c.Region, c.AccountID = "Europe", "12345"
		}},
		{desc: "region and account set", mutate: func(c *Config) { c.Region, c.AccountID = "eu-west-1", "123456789012" }},
	})
}

func TestValidateListeners(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "LST-01 port 0", want: paths(lst0 + ".port"), mutate: func(c *Config) { lst(c).Port = 0 }},
		{desc: "LST-01 port 65536", want: paths(lst0 + ".port"), mutate: func(c *Config) { lst(c).Port = 65536 }},
		{desc: "LST-01 protocol", want: paths(lst0 + ".protocol"), mutate: func(c *Config) { lst(c).Protocol = "TCP" }},
		{desc: "LST-01 explicit HTTP", mutate: func(c *Config) { lst(c).Protocol = "HTTP" }},
		{desc: "TLS-01 HTTPS needs a certificate", want: paths(lst0 + ".certificates"), mutate: func(c *Config) { lst(c).Protocol = "HTTPS" }},
		{desc: "TLS-01 HTTPS with certificate", mutate: func(c *Config) {
			lst(c).Protocol = "HTTPS"
			lst(c).Certificates = []Certificate{{CertificateFile: "c.pem", PrivateKeyFile: "k.pem"}}
			lst(c).SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
		}},
		{desc: "certificate without key", want: paths(lst0 + ".certificates[0].private_key_file"), mutate: func(c *Config) {
			lst(c).Protocol = "HTTPS"
			lst(c).Certificates = []Certificate{{CertificateFile: "c.pem"}}
		}},
		{desc: "TLS-04 unknown policy", want: paths(lst0 + ".ssl_policy"), mutate: func(c *Config) {
			lst(c).Protocol = "HTTPS"
			lst(c).Certificates = []Certificate{{CertificateFile: "c.pem", PrivateKeyFile: "k.pem"}}
			lst(c).SSLPolicy = "MyPolicy"
		}},
		{desc: "HTTP takes no certificate", want: paths(lst0 + ".certificates"), mutate: func(c *Config) {
			lst(c).Certificates = []Certificate{{CertificateFile: "c.pem", PrivateKeyFile: "k.pem"}}
		}},
		{desc: "HTTP takes no policy", want: paths(lst0 + ".ssl_policy"), mutate: func(c *Config) {
			lst(c).SSLPolicy = "ELBSecurityPolicy-2016-08"
		}},
		{desc: "address", want: paths(lst0 + ".address"), mutate: func(c *Config) { lst(c).Address = "localhost" }},
		{desc: "address ipv6", mutate: func(c *Config) { lst(c).Address = "::1" }},
		{desc: "LST-02 default actions required", want: paths(lst0 + ".default_actions"), mutate: func(c *Config) {
			lst(c).DefaultActions = nil
		}},
		{desc: "LST-03 51 listeners", want: paths(lb0 + ".listeners"), mutate: func(c *Config) {
			for i := range 50 {
				l := *lst(c)
				l.Rules = nil
				l.Port = 9000 + i
				c.LoadBalancers[0].Listeners = append(c.LoadBalancers[0].Listeners, l)
			}
		}},
		{desc: "rules per load balancer over 100", want: paths(lb0 + ".listeners"), mutate: func(c *Config) {
			for i := range 100 {
				r := *rule(c)
				r.Priority = 100 + i
				lst(c).Rules = append(lst(c).Rules, r)
			}
		}},
		{desc: "unknown listener attribute", want: paths(lst0 + `.attributes["routing.http.response.nope"]`), mutate: func(c *Config) {
			lst(c).Attributes = map[string]string{"routing.http.response.nope": "x"}
		}},
		{desc: "listener attributes", mutate: func(c *Config) {
			lst(c).Attributes = map[string]string{
				AttrResponseServerEnabled:                                   "false",
				"routing.http.response.x_frame_options.header_value":        "DENY",
				"routing.http.request.x_amzn_tls_version.header_name":       "X-TLS",
				"routing.http.response.access_control_max_age.header_value": "600",
			}
		}},
		{desc: "listener attribute values", want: paths(
			lst0+`.attributes["routing.http.response.x_content_type_options.header_value"]`,
			lst0+`.attributes["routing.http.response.x_frame_options.header_value"]`,
		), mutate: func(c *Config) {
			lst(c).Attributes = map[string]string{
				"routing.http.response.x_frame_options.header_value":        "ALLOWALL",
				"routing.http.response.x_content_type_options.header_value": "sniff",
			}
		}},
	})
}

// TestValidateListenerBindings: two listeners overlap on the same port when they share an
// address or either binds all interfaces, across load balancers too.
func TestValidateListenerBindings(t *testing.T) {
	t.Parallel()
	second := func(addr1, addr2 string, port2 int) mutation {
		return func(c *Config) {
			lst(c).Address = addr1
			c.LoadBalancers = append(c.LoadBalancers, LoadBalancer{Name: "other", Listeners: []Listener{{
				Port: port2, Address: addr2,
				DefaultActions: []Action{{Type: ActionFixedResponse, FixedResponseConfig: &FixedResponseConfig{StatusCode: "200"}}},
			}}})
		}
	}
	other := "load_balancers[1].listeners[0].port"
	testCases := []struct {
		addr1, addr2 string
		port2        int
		want         []string
	}{
		{"", "", 8080, paths(other)},
		{"127.0.0.1", "", 8080, paths(other)},
		{"", "127.0.0.1", 8080, paths(other)},
		{"0.0.0.0", "::1", 8080, paths(other)},
		{"127.0.0.1", "127.0.0.1", 8080, paths(other)},
		{"127.0.0.1", "::ffff:127.0.0.1", 8080, paths(other)},
		{"127.0.0.1", "127.0.0.2", 8080, nil},
		{"", "", 8081, nil},
	}
	var cases []validationCase
	for _, tc := range testCases {
		cases = append(cases, validationCase{
			desc:   fmt.Sprintf("%q:8080 vs %q:%d", tc.addr1, tc.addr2, tc.port2),
			mutate: second(tc.addr1, tc.addr2, tc.port2),
			want:   tc.want,
		})
	}
	runValidation(t, cases)
}

func TestValidateLoadBalancerAttributes(t *testing.T) {
	t.Parallel()
	attr := func(k string) string { return lb0 + `.attributes["` + k + `"]` }
	set := func(kv ...string) mutation {
		return func(c *Config) {
			c.LoadBalancers[0].Attributes = map[string]string{}
			for i := 0; i < len(kv); i += 2 {
				c.LoadBalancers[0].Attributes[kv[i]] = kv[i+1]
			}
		}
	}
	runValidation(t, []validationCase{
		{desc: "valid values", mutate: set(AttrIdleTimeoutSeconds, "4000", AttrXFFHeaderProcessingMode, "preserve",
			AttrDesyncMitigationMode, "strictest", AttrHTTP2Enabled, "false", "access_logs.s3.bucket", "logs")},
		{desc: "unknown key", want: paths(attr("idle_timeout")), mutate: set("idle_timeout", "60")},
		{desc: "idle timeout range", want: paths(attr(AttrIdleTimeoutSeconds)), mutate: set(AttrIdleTimeoutSeconds, "4001")},
		{desc: "keep-alive range", want: paths(attr(AttrClientKeepAliveSeconds)), mutate: set(AttrClientKeepAliveSeconds, "59")},
		{desc: "bool spelled True", want: paths(attr(AttrPreserveHostHeader)), mutate: set(AttrPreserveHostHeader, "True")},
		{desc: "xff mode", want: paths(attr(AttrXFFHeaderProcessingMode)), mutate: set(AttrXFFHeaderProcessingMode, "replace")},
		{desc: "cross-zone cannot be off on an ALB", want: paths(attr(AttrCrossZoneEnabled)), mutate: set(AttrCrossZoneEnabled, "false")},
		{desc: "target group key on a load balancer", want: paths(attr(AttrStickinessEnabled)), mutate: set(AttrStickinessEnabled, "true")},
		// The log folder on disk is <data-dir>/access-logs/<bucket>/<prefix>/AWSLogs/...: neither
		// value may climb out of it (docs/security.md).
		{desc: "log bucket and prefix in AWS's forms", mutate: set("access_logs.s3.bucket", "my-logs.example", "access_logs.s3.prefix", "team/a",
			"connection_logs.s3.bucket", "abc", "connection_logs.s3.prefix", "/x/")},
		{desc: "log bucket climbing out", want: paths(attr("access_logs.s3.bucket"), attr("connection_logs.s3.bucket"), attr("health_check_logs.s3.bucket")),
			mutate: set("access_logs.s3.bucket", "..", "connection_logs.s3.bucket", "a/../../b", "health_check_logs.s3.bucket", "Logs")},
		{desc: "log prefix climbing out", want: paths(attr("access_logs.s3.prefix"), attr("connection_logs.s3.prefix")),
			mutate: set("access_logs.s3.prefix", "../../etc", "connection_logs.s3.prefix", "a/..")},
		{desc: "log prefix naming AWSLogs", want: paths(attr("access_logs.s3.prefix")), mutate: set("access_logs.s3.prefix", "x/AWSLogs")},
	})
}
