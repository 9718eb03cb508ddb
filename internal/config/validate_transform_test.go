package config

import (
	"strings"
	"testing"
)

// transforms replaces the base rule's transforms with a YAML list.
func transforms(y string) mutation {
	return func(c *Config) { rule(c).Transforms = fromYAML[[]Transform](y) }
}

func TestValidateRegexConditions(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "RUL-15 host regex", mutate: conds(`[{field: host-header, host_header_config: {regex_values: ['^api\.example\.com(:\d+)?$']}}]`)},
		{desc: "RUL-15 path regex", mutate: conds(`[{field: path-pattern, path_pattern_config: {regex_values: ['^/v[0-9]+/']}}]`)},
		{desc: "RUL-15 header regex", mutate: conds(`[{field: http-header, http_header_config: {http_header_name: X-Env, regex_values: ['^beta']}}]`)},
		{desc: "RUL-15 lookahead refused", want: paths(cond0 + ".path_pattern_config.regex_values[0]"),
			mutate: conds(`[{field: path-pattern, path_pattern_config: {regex_values: ['^/a(?=b)']}}]`)},
		{desc: "RUL-15 unicode class refused", want: paths(cond0 + ".host_header_config.regex_values[0]"),
			mutate: conds(`[{field: host-header, host_header_config: {regex_values: ['^\p{L}+\.com$']}}]`)},
		{desc: "RUL-15 129 characters", want: paths(cond0 + ".path_pattern_config.regex_values[0]"),
			mutate: conds(`[{field: path-pattern, path_pattern_config: {regex_values: ['/` + strings.Repeat("a", 128) + `']}}]`)},
		{desc: "RUL-15 values and regex_values together", want: paths(cond0 + ".path_pattern_config.regex_values"),
			mutate: conds(`[{field: path-pattern, path_pattern_config: {values: [/a], regex_values: ['^/b']}}]`)},
		{desc: "RUL-15 no regex on methods", want: paths(cond0 + ".http_request_method_config.regex_values"),
			mutate: conds(`[{field: http-request-method, http_request_method_config: {values: [GET], regex_values: [G]}}]`)},
		{desc: "RUL-12 regex values count per condition", want: paths(cond0),
			mutate: conds(`[{field: path-pattern, path_pattern_config: {regex_values: [a, b, c, d]}}]`)},
		{desc: "RUL-12 regex values count per rule", want: paths(rule0 + ".conditions"), mutate: conds(`[
			{field: path-pattern, path_pattern_config: {regex_values: [a, b, c]}},
			{field: host-header, host_header_config: {regex_values: [x, y, z]}}]`)},
		{desc: "RUL-12 regex stars are not wildcards", mutate: conds(`[{field: path-pattern, path_pattern_config: {regex_values: ['^/a*b*c*d*e*f*$']}}]`)},
	})
}

func TestValidateTransforms(t *testing.T) {
	t.Parallel()
	tf0 := rule0 + ".transforms[0]"
	runValidation(t, []validationCase{
		{desc: "TRF-05 url rewrite", mutate: transforms(`[{type: url-rewrite, url_rewrite_config: {rewrites: [{regex: '^/dp/([A-Za-z0-9]+)/?$', replace: '/product.php?id=$1'}]}}]`)},
		{desc: "TRF-01 one of each", mutate: transforms(`[
			{type: host-header-rewrite, host_header_rewrite_config: {rewrites: [{regex: '^www\.(.+)$', replace: '$1'}]}},
			{type: url-rewrite, url_rewrite_config: {rewrites: [{regex: '^/$', replace: '/index.html'}]}}]`)},
		{desc: "TRF-01 two url rewrites", want: paths(rule0 + ".transforms[1].type"), mutate: transforms(`[
			{type: url-rewrite, url_rewrite_config: {rewrites: [{regex: a, replace: b}]}},
			{type: url-rewrite, url_rewrite_config: {rewrites: [{regex: c, replace: d}]}}]`)},
		{desc: "unknown type", want: paths(tf0 + ".type"), mutate: transforms(`[{type: header-rewrite}]`)},
		{desc: "config does not match type", want: paths(tf0+".host_header_rewrite_config", tf0+".url_rewrite_config.rewrites"),
			mutate: transforms(`[{type: url-rewrite, host_header_rewrite_config: {rewrites: [{regex: a}]}}]`)},
		{desc: "TRF-02 regex required", want: paths(tf0 + ".url_rewrite_config.rewrites[0].regex"),
			mutate: transforms(`[{type: url-rewrite, url_rewrite_config: {rewrites: [{replace: /x}]}}]`)},
		{desc: "TRF-02 replace limit", want: paths(tf0 + ".url_rewrite_config.rewrites[0].replace"),
			mutate: transforms(`[{type: url-rewrite, url_rewrite_config: {rewrites: [{regex: a, replace: '/` + strings.Repeat("a", 1024) + `'}]}}]`)},
		{desc: "RUL-15 backreference refused in transforms", want: paths(tf0 + ".host_header_rewrite_config.rewrites[0].regex"),
			mutate: transforms(`[{type: host-header-rewrite, host_header_rewrite_config: {rewrites: [{regex: '(a)\1', replace: b}]}}]`)},
	})
}
