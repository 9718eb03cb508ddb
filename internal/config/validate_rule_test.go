package config

import (
	"strings"
	"testing"
)

// conds replaces the base rule's conditions with a YAML list.
func conds(y string) mutation {
	return func(c *Config) { rule(c).Conditions = fromYAML[[]Condition](y) }
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "RUL-01 priority 0", want: paths(rule0 + ".priority"), mutate: func(c *Config) { rule(c).Priority = 0 }},
		{desc: "RUL-01 priority 50000", mutate: func(c *Config) { rule(c).Priority = 50000 }},
		{desc: "RUL-01 priority 50001", want: paths(rule0 + ".priority"), mutate: func(c *Config) { rule(c).Priority = 50001 }},
		{desc: "RUL-01 duplicate priority", want: paths(lst0 + ".rules[1].priority"), mutate: func(c *Config) {
			lst(c).Rules = append(lst(c).Rules, *rule(c))
		}},
		{desc: "RUL-01 same priority on another listener", mutate: func(c *Config) {
			l := *lst(c)
			l.Port = 9090
			c.LoadBalancers[0].Listeners = append(c.LoadBalancers[0].Listeners, l)
		}},
		{desc: "RUL-03 no condition", want: paths(rule0 + ".conditions"), mutate: func(c *Config) { rule(c).Conditions = nil }},
		{desc: "RUL-03 no action", want: paths(rule0 + ".actions"), mutate: func(c *Config) { rule(c).Actions = nil }},
	})
}

func TestValidateConditionShape(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "unknown field", want: paths(cond0 + ".field"), mutate: conds(`[{field: cookie, values: [a]}]`)},
		{desc: "missing field", want: paths(cond0 + ".field"), mutate: conds(`[{values: [a]}]`)},
		{desc: "short form host-header", mutate: conds(`[{field: host-header, values: [a.example.com]}]`)},
		{desc: "short form not for methods", want: paths(cond0 + ".values"), mutate: conds(`[{field: http-request-method, values: [GET]}]`)},
		{desc: "short form and config together", want: paths(cond0 + ".values"),
			mutate: conds(`[{field: path-pattern, values: [/a], path_pattern_config: {values: [/b]}}]`)},
		{desc: "config does not match field", want: paths(cond0 + ".host_header_config"),
			mutate: conds(`[{field: path-pattern, host_header_config: {values: [a.b]}}]`)},
		{desc: "no values at all", want: paths(cond0), mutate: conds(`[{field: source-ip}]`)},
		{desc: "empty value list", want: paths(cond0), mutate: conds(`[{field: source-ip, source_ip_config: {values: []}}]`)},
		{desc: "RUL-10 two path-patterns", want: paths(rule0 + ".conditions[1].field"),
			mutate: conds(`[{field: path-pattern, values: [/a]}, {field: path-pattern, values: [/b]}]`)},
		{desc: "RUL-10 two http-headers allowed", mutate: conds(`[
			{field: http-header, http_header_config: {http_header_name: X-A, values: [a]}},
			{field: http-header, http_header_config: {http_header_name: X-B, values: [b]}}]`)},
		{desc: "RUL-10 two query-strings allowed", mutate: conds(`[
			{field: query-string, query_string_config: {values: [{value: a}]}},
			{field: query-string, query_string_config: {values: [{key: k, value: b}]}}]`)},
		{desc: "RUL-12 three values per condition", mutate: conds(`[{field: path-pattern, values: [/a, /b, /c]}]`)},
		{desc: "RUL-12 four values per condition", want: paths(cond0), mutate: conds(`[{field: path-pattern, values: [/a, /b, /c, /d]}]`)},
		{desc: "RUL-12 five values per rule", mutate: conds(`[{field: path-pattern, values: [/a, /b, /c]},
			{field: http-request-method, http_request_method_config: {values: [GET, HEAD]}}]`)},
		{desc: "RUL-12 six values per rule", want: paths(rule0 + ".conditions"), mutate: conds(`[
			{field: path-pattern, values: [/a, /b, /c]},
			{field: http-request-method, http_request_method_config: {values: [GET, HEAD, PUT]}}]`)},
		{desc: "RUL-12 five wildcards", mutate: conds(`[{field: path-pattern, values: ["/a*", "/b?*"]}, {field: host-header, values: ["*.?.com"]}]`)},
		{desc: "RUL-12 six wildcards", want: paths(rule0 + ".conditions"),
			mutate: conds(`[{field: path-pattern, values: ["/a*", "/b?*"]}, {field: host-header, values: ["*.??.com"]}]`)},
		{desc: "RUL-12 escaped query wildcards do not count", mutate: conds(`[{field: path-pattern, values: ["/a*", "/b?*"]},
			{field: query-string, query_string_config: {values: [{key: "k*", value: 'x\*\?'}]}}]`)},
		{desc: "RUL-12 query key wildcards count", want: paths(rule0 + ".conditions"), mutate: conds(`[{field: path-pattern, values: ["/a*", "/b?*"]},
			{field: query-string, query_string_config: {values: [{key: "k**", value: "v*"}]}}]`)},
		{desc: "RUL-12 empty value", want: paths(cond0 + ".values[1]"), mutate: conds(`[{field: path-pattern, values: [/a, ""]}]`)},
	})
}

func TestValidateConditionValues(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 126)
	runValidation(t, []validationCase{
		{desc: "CND-HOST wildcard host", mutate: conds(`[{field: host-header, host_header_config: {values: ["*.example.com"]}}]`)},
		{desc: "CND-HOST 128 characters", mutate: conds(`[{field: host-header, values: ["` + long + `.b"]}]`)},
		{desc: "CND-HOST 129 characters", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: host-header, values: ["` + long + `.bc"]}]`)},
		{desc: "CND-HOST needs a dot", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: host-header, values: [localhost]}]`)},
		{desc: "CND-HOST underscore", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: host-header, values: [my_host.com]}]`)},
		{desc: "CND-HOST port not allowed", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: host-header, values: ["a.com:8080"]}]`)},
		{desc: "CND-HOST [amb] digits after last dot", mutate: conds(`[{field: host-header, values: ["10.0.0.1"]}]`)},
		{desc: "CND-HOST trailing dot", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: host-header, values: ["example."]}]`)},
		{desc: "CND-PATH allowed characters", mutate: conds(`[{field: path-pattern, values: ["/a_b-c.d$e/~\"'@:+&*?"]}]`)},
		{desc: "CND-PATH space", want: paths(cond0 + ".path_pattern_config.values[0]"),
			mutate: conds(`[{field: path-pattern, path_pattern_config: {values: ["/a b"]}}]`)},
		{desc: "CND-PATH percent", want: paths(cond0 + ".values[0]"), mutate: conds(`[{field: path-pattern, values: ["/a%20"]}]`)},
		{desc: "CND-HDR name Host", want: paths(cond0 + ".http_header_config.http_header_name"),
			mutate: conds(`[{field: http-header, http_header_config: {http_header_name: host, values: [a]}}]`)},
		{desc: "CND-HDR name with wildcard", want: paths(cond0 + ".http_header_config.http_header_name"),
			mutate: conds(`[{field: http-header, http_header_config: {http_header_name: "X-*", values: [a]}}]`)},
		{desc: "CND-HDR name too long", want: paths(cond0 + ".http_header_config.http_header_name"),
			mutate: conds(`[{field: http-header, http_header_config: {http_header_name: "` + long[:41] + `", values: [a]}}]`)},
		{desc: "CND-HDR name missing", want: paths(cond0 + ".http_header_config.http_header_name"),
			mutate: conds(`[{field: http-header, http_header_config: {values: [a]}}]`)},
		{desc: "CND-HDR value with control character", want: paths(cond0 + ".http_header_config.values[0]"),
			mutate: conds(`[{field: http-header, http_header_config: {http_header_name: X-A, values: ["a\tb"]}}]`)},
		{desc: "CND-METH custom method", mutate: conds(`[{field: http-request-method, http_request_method_config: {values: [MY_METHOD-X]}}]`)},
		{desc: "CND-METH lower case", want: paths(cond0 + ".http_request_method_config.values[0]"),
			mutate: conds(`[{field: http-request-method, http_request_method_config: {values: [get]}}]`)},
		{desc: "CND-METH wildcard", want: paths(cond0 + ".http_request_method_config.values[0]"),
			mutate: conds(`[{field: http-request-method, http_request_method_config: {values: ["P*"]}}]`)},
		{desc: "CND-QS value required", want: paths(cond0 + ".query_string_config.values[0].value"),
			mutate: conds(`[{field: query-string, query_string_config: {values: [{key: a}]}}]`)},
		{desc: "CND-QS bad escape", want: paths(cond0 + ".query_string_config.values[0].value"),
			mutate: conds(`[{field: query-string, query_string_config: {values: [{value: 'a\b'}]}}]`)},
		{desc: "CND-QS trailing backslash", want: paths(cond0 + ".query_string_config.values[0].key"),
			mutate: conds(`[{field: query-string, query_string_config: {values: [{key: 'a\', value: b}]}}]`)},
		{desc: "CND-SRC v4 and v6", mutate: conds(`[{field: source-ip, source_ip_config: {values: [10.0.0.0/8, "2001:db8::/32", "::1/128"]}}]`)},
		{desc: "CND-SRC bare address", want: paths(cond0 + ".source_ip_config.values[0]"),
			mutate: conds(`[{field: source-ip, source_ip_config: {values: [10.0.0.1]}}]`)},
		{desc: "CND-SRC broadcast /32", want: paths(cond0 + ".source_ip_config.values[0]"),
			mutate: conds(`[{field: source-ip, source_ip_config: {values: [255.255.255.255/32]}}]`)},
		{desc: "CND-SRC wildcard", want: paths(cond0 + ".source_ip_config.values[0]"),
			mutate: conds(`[{field: source-ip, source_ip_config: {values: ["10.*"]}}]`)},
	})
}
