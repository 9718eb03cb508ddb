package config

import (
	"strings"
	"testing"
)

// acts replaces the base rule's actions with a YAML list.
func acts(y string) mutation {
	return func(c *Config) { rule(c).Actions = fromYAML[[]Action](y) }
}

// defaults replaces the base listener's default actions with a YAML list.
func defaults(y string) mutation {
	return func(c *Config) { lst(c).DefaultActions = fromYAML[[]Action](y) }
}

// addTG adds an instance target group (unused unless an action names it).
func addTG(name string) func(c *Config) {
	return func(c *Config) {
		c.TargetGroups = append(c.TargetGroups, TargetGroup{Name: name, Port: 80})
	}
}

func both(ms ...mutation) mutation {
	return func(c *Config) {
		for _, m := range ms {
			m(c)
		}
	}
}

func TestValidateActions(t *testing.T) {
	t.Parallel()
	def0 := lst0 + ".default_actions[0]"
	runValidation(t, []validationCase{
		{desc: "ACT-01 type required", want: paths(act0 + ".type"), mutate: acts(`[{target_group_name: api}]`)},
		{desc: "ACT-01 unsupported type", want: paths(act0 + ".type"), mutate: acts(`[{type: waf}]`)},
		{desc: "ACT-01 two routing actions", want: paths(rule0 + ".actions"), mutate: acts(`[
			{type: forward, order: 1, target_group_name: api},
			{type: fixed-response, order: 2, fixed_response_config: {status_code: "200"}}]`)},
		{desc: "ACT-01 order required with several actions", want: paths(rule0+".actions[1].order", rule0+".actions"), mutate: acts(`[
			{type: forward, order: 1, target_group_name: api},
			{type: forward, target_group_name: api}]`)},
		{desc: "ACT-01 order range", want: paths(act0 + ".order"), mutate: acts(`[{type: forward, order: 50001, target_group_name: api}]`)},
		{desc: "ACT-01 single action with order", mutate: acts(`[{type: forward, order: 7, target_group_name: api}]`)},
		{desc: "default actions checked too", want: paths(def0 + ".target_group_name"), mutate: defaults(`[{type: forward, target_group_name: nope}]`)},
		{desc: "config of another type", want: paths(act0 + ".redirect_config"),
			mutate: acts(`[{type: forward, target_group_name: api, redirect_config: {status_code: HTTP_301, path: /x}}]`)},
		{desc: "redirect without config", want: paths(act0 + ".redirect_config"), mutate: acts(`[{type: redirect}]`)},
		{desc: "fixed-response with a target group", want: paths(act0),
			mutate: acts(`[{type: fixed-response, target_group_name: api, fixed_response_config: {status_code: "200"}}]`)},
	})
}

func TestValidateForward(t *testing.T) {
	t.Parallel()
	fc := act0 + ".forward_config"
	tgARN := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/0123456789abcdef"
	runValidation(t, []validationCase{
		{desc: "FWD-01 by ARN", mutate: acts(`[{type: forward, target_group_arn: "` + tgARN + `"}]`)},
		{desc: "FWD-01 ARN of an unknown group", want: paths(act0 + ".target_group_arn"),
			mutate: acts(`[{type: forward, target_group_arn: "` + strings.Replace(tgARN, "/api/", "/nope/", 1) + `"}]`)},
		{desc: "FWD-01 malformed ARN", want: paths(act0 + ".target_group_arn"), mutate: acts(`[{type: forward, target_group_arn: "arn:aws:lambda:x"}]`)},
		{desc: "FWD-01 nothing to forward to", want: paths(act0), mutate: acts(`[{type: forward}]`)},
		{desc: "FWD-01 name and forward_config", want: paths(act0),
			mutate: acts(`[{type: forward, target_group_name: api, forward_config: {target_groups: [{target_group_name: api}]}}]`)},
		{desc: "FWD-01 one group without weight", mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api}]}}]`)},
		{desc: "FWD-01 weights required with several groups", want: paths(fc + ".target_groups[1].weight"),
			mutate: both(addTG("b"), acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, weight: 1}, {target_group_name: b}]}}]`))},
		{desc: "FWD-01 weight 0 and 999", mutate: both(addTG("b"),
			acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, weight: 0}, {target_group_name: b, weight: 999}]}}]`))},
		{desc: "FWD-01 weight 1000", want: paths(fc + ".target_groups[0].weight"),
			mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, weight: 1000}]}}]`)},
		{desc: "FWD-01 no groups", want: paths(fc + ".target_groups"), mutate: acts(`[{type: forward, forward_config: {}}]`)},
		{desc: "FWD-01 six groups", want: paths(fc + ".target_groups"), mutate: both(addTG("b"), addTG("c"), addTG("d"), addTG("e"), addTG("f"),
			acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, weight: 1}, {target_group_name: b, weight: 1},
				{target_group_name: c, weight: 1}, {target_group_name: d, weight: 1}, {target_group_name: e, weight: 1}, {target_group_name: f, weight: 1}]}}]`))},
		{desc: "FWD-01 same group twice", want: paths(fc + ".target_groups[1]"),
			mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, weight: 1}, {target_group_name: api, weight: 2}]}}]`)},
		{desc: "FWD-01 tuple with name and ARN", want: paths(fc + ".target_groups[0]"),
			mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api, target_group_arn: "` + tgARN + `"}]}}]`)},
		{desc: "FWD-02 stickiness duration required", want: paths(fc + ".target_group_stickiness_config.duration_seconds"),
			mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api}], target_group_stickiness_config: {enabled: true}}}]`)},
		{desc: "FWD-02 stickiness 604800", mutate: acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: api}],
			target_group_stickiness_config: {enabled: true, duration_seconds: 604800}}}]`)},
		{desc: "FWD-02 target stickiness needs group stickiness", want: paths(fc + ".target_group_stickiness_config"),
			mutate: both(addTG("b"), func(c *Config) { c.TargetGroups[0].Attributes = map[string]string{AttrStickinessEnabled: "true"} },
				acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: site, weight: 1}, {target_group_name: b, weight: 1}]}}]`))},
		{desc: "TG-02 target group used by two load balancers", want: paths("load_balancers[1].listeners[0].default_actions[0].target_group_name"),
			mutate: func(c *Config) {
				c.LoadBalancers = append(c.LoadBalancers, LoadBalancer{Name: "two", Listeners: []Listener{{
					Port: 9000, DefaultActions: []Action{{Type: ActionForward, TargetGroupName: "site"}}}}})
			}},
	})
}

func TestValidateRedirect(t *testing.T) {
	t.Parallel()
	rc := act0 + ".redirect_config"
	redirect := func(cfg string) mutation { return acts(`[{type: redirect, redirect_config: ` + cfg + `}]`) }
	https := func(c *Config) {
		lst(c).Protocol = ProtocolHTTPS
		lst(c).Certificates = []Certificate{{CertificateFile: "c", PrivateKeyFile: "k"}}
	}
	runValidation(t, []validationCase{
		{desc: "RDR-01 to HTTPS", mutate: redirect(`{protocol: HTTPS, port: "443", status_code: HTTP_301}`)},
		{desc: "RDR-01 status required", want: paths(rc + ".status_code"), mutate: redirect(`{protocol: HTTPS}`)},
		{desc: "RDR-01 status 307", want: paths(rc + ".status_code"), mutate: redirect(`{protocol: HTTPS, status_code: HTTP_307}`)},
		{desc: "RDR-01 protocol lower case", want: paths(rc + ".protocol"), mutate: redirect(`{protocol: https, status_code: HTTP_302}`)},
		{desc: "RDR-01 port 0", want: paths(rc + ".port"), mutate: redirect(`{port: "0", host: a.com, status_code: HTTP_302}`)},
		{desc: "RDR-01 path must start with /", want: paths(rc + ".path"), mutate: redirect(`{path: "new", status_code: HTTP_302}`)},
		{desc: "RDR-01 host 129 characters", want: paths(rc + ".host"), mutate: redirect(`{host: "` + strings.Repeat("h", 129) + `", status_code: HTTP_302}`)},
		{desc: "RDR-01 query with ?", want: paths(rc + ".query"), mutate: redirect(`{path: /x, query: "?a=b", status_code: HTTP_302}`)},
		{desc: "RDR-02 placeholders where allowed", mutate: redirect(`{protocol: "#{protocol}", host: "#{host}", port: "#{port}",
			path: "/x/#{host}/#{port}/#{path}", query: "#{protocol}#{host}#{port}#{path}#{query}", status_code: HTTP_301}`)},
		{desc: "RDR-02 query placeholder in path", want: paths(rc + ".path"), mutate: redirect(`{path: "/#{query}", status_code: HTTP_301}`)},
		{desc: "RDR-02 path placeholder in host", want: paths(rc + ".host"), mutate: redirect(`{host: "#{path}.com", status_code: HTTP_301}`)},
		{desc: "RDR-02 unknown placeholder", want: paths(rc + ".query"), mutate: redirect(`{path: /x, query: "#{foo}", status_code: HTTP_301}`)},
		{desc: "RDR-03 loop when nothing changes", want: paths(rc), mutate: redirect(`{status_code: HTTP_301}`)},
		{desc: "RDR-03 loop with own placeholders", want: paths(rc), mutate: redirect(`{protocol: "#{protocol}", host: "#{host}",
			port: "#{port}", path: "/#{path}", query: "x=1", status_code: HTTP_301}`)},
		{desc: "RDR-03 HTTPS listener to HTTP", want: paths(rc + ".protocol"), mutate: both(https, redirect(`{protocol: HTTP, status_code: HTTP_301}`))},
		{desc: "RDR-03 HTTP listener to HTTP on another port", mutate: redirect(`{protocol: HTTP, port: "81", status_code: HTTP_301}`)},
	})
}

func TestValidateFixedResponse(t *testing.T) {
	t.Parallel()
	fr := act0 + ".fixed_response_config"
	fixed := func(cfg string) mutation { return acts(`[{type: fixed-response, fixed_response_config: ` + cfg + `}]`) }
	runValidation(t, []validationCase{
		{desc: "FIX-01 503 json", mutate: fixed(`{status_code: "503", content_type: application/json, message_body: "{}"}`)},
		{desc: "FIX-01 status 302", want: paths(fr + ".status_code"), mutate: fixed(`{status_code: "302"}`)},
		{desc: "FIX-01 status 2000", want: paths(fr + ".status_code"), mutate: fixed(`{status_code: "2000"}`)},
		{desc: "FIX-01 status missing", want: paths(fr + ".status_code"), mutate: fixed(`{content_type: text/plain}`)},
		{desc: "FIX-01 content type", want: paths(fr + ".content_type"), mutate: fixed(`{status_code: "200", content_type: text/xml}`)},
		{desc: "FIX-01 body 1024 characters", mutate: fixed(`{status_code: "200", message_body: "` + strings.Repeat("é", 1024) + `"}`)},
		{desc: "FIX-01 body 1025 characters", want: paths(fr + ".message_body"), mutate: fixed(`{status_code: "200", message_body: "` + strings.Repeat("a", 1025) + `"}`)},
	})
}
