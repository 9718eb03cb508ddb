package terraform

import (
	"github.com/albatross-lb/albatross/internal/config"
)

// action converts a default_action or action block.
func (c *converter) action(b *block) (config.Action, bool) {
	ev := c.ev
	ev.required(b, "type")
	t, ok := ev.str(b, "type")
	if !ok {
		return config.Action{}, false
	}
	a := config.Action{Type: t}
	if o, ok := ev.integer(b, "order"); ok {
		a.Order = o
	}
	switch t {
	case config.ActionForward:
		if arn, ok := ev.str(b, "target_group_arn"); ok {
			a.TargetGroupName = c.targetGroupName(b, "target_group_arn", arn)
		}
		if f := b.children("forward"); len(f) > 0 {
			a.ForwardConfig = c.forward(f[0])
		}
	case config.ActionRedirect:
		if r := b.children("redirect"); len(r) > 0 {
			a.RedirectConfig = c.redirect(r[0])
		} else {
			ev.ps.add(b.rng, b.path+".redirect", "is required for a redirect action")
		}
	case config.ActionFixedResponse:
		if f := b.children("fixed_response"); len(f) > 0 {
			fr := &config.FixedResponseConfig{}
			fr.StatusCode, _ = ev.str(f[0], "status_code")
			fr.ContentType, _ = ev.str(f[0], "content_type")
			fr.MessageBody, _ = ev.str(f[0], "message_body")
			a.FixedResponseConfig = fr
		} else {
			ev.ps.add(b.rng, b.path+".fixed_response", "is required for a fixed-response action")
		}
	case config.ActionAuthenticateOIDC, config.ActionAuthenticateCognito, config.ActionJWTValidation:
		if !c.authAction(b, &a) {
			return config.Action{}, false
		}
	}
	return a, true
}

// actions converts a list of default_action or action blocks. An action without order takes its
// position in the list (1, 2, ...), as the AWS provider sends it, so that an authenticate block
// followed by a forward block needs no order, as in the provider's own examples.
func (c *converter) actions(blocks []*block) []config.Action {
	var out []config.Action
	for i, b := range blocks {
		a, ok := c.action(b)
		if !ok {
			continue
		}
		if b.attrs["order"] == nil {
			a.Order = i + 1
		}
		out = append(out, a)
	}
	return out
}

// targetGroupName resolves a target group ARN to the name of a target group of this module.
func (c *converter) targetGroupName(b *block, name, arn string) string {
	i, ok := c.tgs[arn]
	if !ok {
		a := b.attrs[name]
		c.ev.ps.add(a.expr.Range(), a.path, "%q is not a target group of this module", arn)
		return ""
	}
	return c.cfg.TargetGroups[i].Name
}

func (c *converter) forward(b *block) *config.ForwardConfig {
	fc := &config.ForwardConfig{}
	for _, tg := range b.children("target_group") {
		t := config.TargetGroupTuple{}
		if arn, ok := c.ev.str(tg, "arn"); ok {
			t.TargetGroupName = c.targetGroupName(tg, "arn", arn)
		}
		t.Weight = c.ev.intPtr(tg, "weight")
		fc.TargetGroups = append(fc.TargetGroups, t)
	}
	if s := b.children("stickiness"); len(s) > 0 {
		st := &config.TargetGroupStickinessConfig{}
		st.Enabled, _ = c.ev.boolean(s[0], "enabled")
		st.DurationSeconds, _ = c.ev.integer(s[0], "duration")
		fc.TargetGroupStickinessConfig = st
	}
	return fc
}

// redirect keeps the provider's defaults (#{host}, /#{path}, #{port}, #{protocol}, #{query}),
// which are the request's own values.
func (c *converter) redirect(b *block) *config.RedirectConfig {
	r := &config.RedirectConfig{}
	r.Host, _ = c.ev.str(b, "host")
	r.Path, _ = c.ev.str(b, "path")
	r.Port, _ = c.ev.str(b, "port")
	r.Protocol, _ = c.ev.str(b, "protocol")
	r.StatusCode, _ = c.ev.str(b, "status_code")
	if q, ok := c.ev.str(b, "query"); ok {
		r.Query = &q
	}
	return r
}

// condition converts a condition block: exactly one of its nested blocks, except that several
// query_string blocks make one query-string condition (their pairs are ORed, as on AWS).
func (c *converter) condition(b *block) ([]config.Condition, bool) {
	ev := c.ev
	if b.attrs["field"] != nil {
		// The provider's 2.x form: field and values, as the API's legacy Values.
		f, _ := ev.str(b, "field")
		v, _ := ev.strs(b, "values")
		return []config.Condition{{Field: f, Values: v}}, true
	}
	var out []config.Condition
	values := func(nb *block) *config.ValuesConfig {
		vc := &config.ValuesConfig{}
		vc.Values, _ = ev.strs(nb, "values")
		vc.RegexValues, _ = ev.strs(nb, "regex_values")
		return vc
	}
	for _, nb := range b.children("host_header") {
		out = append(out, config.Condition{Field: config.FieldHostHeader, HostHeaderConfig: values(nb)})
	}
	for _, nb := range b.children("path_pattern") {
		out = append(out, config.Condition{Field: config.FieldPathPattern, PathPatternConfig: values(nb)})
	}
	for _, nb := range b.children("http_request_method") {
		out = append(out, config.Condition{Field: config.FieldHTTPRequestMethod, HTTPRequestMethodConfig: values(nb)})
	}
	for _, nb := range b.children("source_ip") {
		out = append(out, config.Condition{Field: config.FieldSourceIP, SourceIPConfig: values(nb)})
	}
	for _, nb := range b.children("http_header") {
		h := &config.HTTPHeaderConfig{}
		ev.required(nb, "http_header_name")
		h.HTTPHeaderName, _ = ev.str(nb, "http_header_name")
		h.Values, _ = ev.strs(nb, "values")
		h.RegexValues, _ = ev.strs(nb, "regex_values")
		out = append(out, config.Condition{Field: config.FieldHTTPHeader, HTTPHeaderConfig: h})
	}
	if qs := b.children("query_string"); len(qs) > 0 {
		q := &config.QueryStringConfig{}
		for _, nb := range qs {
			kv := config.KeyValue{}
			kv.Key, _ = ev.str(nb, "key")
			ev.required(nb, "value")
			kv.Value, _ = ev.str(nb, "value")
			q.Values = append(q.Values, kv)
		}
		out = append(out, config.Condition{Field: config.FieldQueryString, QueryStringConfig: q})
	}
	if len(out) != 1 {
		ev.ps.add(b.rng, b.path, "must hold exactly one of host_header, http_header, http_request_method, path_pattern, query_string or source_ip, got %d", len(out))
		return nil, false
	}
	return out, true
}

// transform converts a transform block (host-header-rewrite or url-rewrite).
func (c *converter) transform(b *block) (config.Transform, bool) {
	ev := c.ev
	ev.required(b, "type")
	t, ok := ev.str(b, "type")
	if !ok {
		return config.Transform{}, false
	}
	tr := config.Transform{Type: t}
	rewrites := func(nb []*block) *config.RewriteConfig {
		if len(nb) == 0 {
			return nil
		}
		rc := &config.RewriteConfig{}
		for _, rb := range nb[0].children("rewrite") {
			rw := config.Rewrite{}
			rw.Regex, _ = ev.str(rb, "regex")
			rw.Replace, _ = ev.str(rb, "replace")
			rc.Rewrites = append(rc.Rewrites, rw)
		}
		return rc
	}
	tr.HostHeaderRewriteConfig = rewrites(b.children("host_header_rewrite_config"))
	tr.URLRewriteConfig = rewrites(b.children("url_rewrite_config"))
	return tr, true
}
