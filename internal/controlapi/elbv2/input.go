package elbv2

import (
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// Decoding of the structured inputs (A.1 flattening): Action, RuleCondition, TargetDescription,
// Tag and attribute lists, into the config model that the file uses too.

func parseActions(f controlapi.Form, prefix string) ([]config.Action, error) {
	var out []config.Action
	for _, m := range f.Members(prefix) {
		a := config.Action{Type: m.String("Type"), TargetGroupARN: m.String("TargetGroupArn")}
		order, err := m.Int("Order")
		if err != nil {
			return nil, err
		}
		if order != nil {
			a.Order = *order
		}
		if m.HasPrefix("ForwardConfig") {
			fc, err := parseForward(m.Sub("ForwardConfig"))
			if err != nil {
				return nil, err
			}
			// AWS accepts both forms together when they agree; keep one (FWD-01).
			if a.TargetGroupARN != "" && len(fc.TargetGroups) == 1 && fc.TargetGroups[0].TargetGroupARN == a.TargetGroupARN &&
				fc.TargetGroupStickinessConfig == nil {
				fc = nil
			} else if a.TargetGroupARN != "" && len(fc.TargetGroups) == 0 {
				fc = nil
			}
			a.ForwardConfig = fc
		}
		if m.HasPrefix("RedirectConfig") {
			r := m.Sub("RedirectConfig")
			a.RedirectConfig = &config.RedirectConfig{Protocol: r.String("Protocol"), Port: r.String("Port"),
				Host: r.String("Host"), Path: r.String("Path"), Query: r.StringPtr("Query"), StatusCode: r.String("StatusCode")}
		}
		if m.HasPrefix("FixedResponseConfig") {
			r := m.Sub("FixedResponseConfig")
			a.FixedResponseConfig = &config.FixedResponseConfig{StatusCode: r.String("StatusCode"),
				ContentType: r.String("ContentType"), MessageBody: r.String("MessageBody")}
		}
		if err := parseAuthConfigs(m, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func parseForward(f controlapi.Form) (*config.ForwardConfig, error) {
	fc := &config.ForwardConfig{}
	for _, t := range f.Members("TargetGroups") {
		w, err := t.Int("Weight")
		if err != nil {
			return nil, err
		}
		fc.TargetGroups = append(fc.TargetGroups, config.TargetGroupTuple{TargetGroupARN: t.String("TargetGroupArn"), Weight: w})
	}
	if f.HasPrefix("TargetGroupStickinessConfig") {
		s := f.Sub("TargetGroupStickinessConfig")
		en, err := s.Bool("Enabled")
		if err != nil {
			return nil, err
		}
		d, err := s.Int("DurationSeconds")
		if err != nil {
			return nil, err
		}
		sc := &config.TargetGroupStickinessConfig{}
		if en != nil {
			sc.Enabled = *en
		}
		if d != nil {
			sc.DurationSeconds = *d
		}
		if sc.Enabled || sc.DurationSeconds != 0 {
			fc.TargetGroupStickinessConfig = sc
		}
	}
	return fc, nil
}

func parseConditions(f controlapi.Form, prefix string) []config.Condition {
	var out []config.Condition
	for _, m := range f.Members(prefix) {
		c := config.Condition{Field: m.String("Field"), Values: m.Strings("Values")}
		values := func(key string) *config.ValuesConfig {
			if !m.HasPrefix(key) {
				return nil
			}
			sub := m.Sub(key)
			return &config.ValuesConfig{Values: sub.Strings("Values"), RegexValues: sub.Strings("RegexValues")}
		}
		c.HostHeaderConfig = values("HostHeaderConfig")
		c.PathPatternConfig = values("PathPatternConfig")
		c.HTTPRequestMethodConfig = values("HttpRequestMethodConfig")
		c.SourceIPConfig = values("SourceIpConfig")
		if m.HasPrefix("HttpHeaderConfig") {
			h := m.Sub("HttpHeaderConfig")
			c.HTTPHeaderConfig = &config.HTTPHeaderConfig{HTTPHeaderName: h.String("HttpHeaderName"),
				Values: h.Strings("Values"), RegexValues: h.Strings("RegexValues")}
		}
		foldRegexValues(&c, m.Strings("RegexValues"))
		if m.HasPrefix("QueryStringConfig") {
			q := &config.QueryStringConfig{}
			for _, kv := range m.Sub("QueryStringConfig").Members("Values") {
				q.Values = append(q.Values, config.KeyValue{Key: kv.String("Key"), Value: kv.String("Value")})
			}
			c.QueryStringConfig = q
		}
		out = append(out, c)
	}
	return out
}

// foldRegexValues moves the RuleCondition's top-level RegexValues into the typed config of its
// field (RUL-15), the way legacy Values stand for HostHeaderConfig/PathPatternConfig Values: the
// config model keeps regexes only in the typed configs. An http-header condition needs its
// HttpHeaderConfig for the header name, so top-level regexes join an existing one; without it,
// or for a field that takes no regexes, they go to a typed config that validation then refuses
// with its path, rather than being dropped silently.
func foldRegexValues(c *config.Condition, regex []string) {
	if len(regex) == 0 {
		return
	}
	ensure := func(v **config.ValuesConfig) {
		if *v == nil {
			*v = &config.ValuesConfig{}
		}
		(*v).RegexValues = append((*v).RegexValues, regex...)
	}
	switch c.Field {
	case config.FieldHostHeader:
		ensure(&c.HostHeaderConfig)
	case config.FieldPathPattern:
		ensure(&c.PathPatternConfig)
	case config.FieldHTTPHeader:
		if c.HTTPHeaderConfig == nil {
			c.HTTPHeaderConfig = &config.HTTPHeaderConfig{}
		}
		c.HTTPHeaderConfig.RegexValues = append(c.HTTPHeaderConfig.RegexValues, regex...)
	case config.FieldHTTPRequestMethod:
		ensure(&c.HTTPRequestMethodConfig)
	case config.FieldSourceIP:
		ensure(&c.SourceIPConfig)
	}
}

func parseTargets(f controlapi.Form) ([]config.Target, error) {
	var out []config.Target
	for _, m := range f.Members("Targets") {
		port, err := m.Int("Port")
		if err != nil {
			return nil, err
		}
		t := config.Target{ID: m.String("Id"), AvailabilityZone: m.String("AvailabilityZone")}
		if port != nil {
			t.Port = *port
		}
		if t.ID == "" {
			return nil, controlapi.Errorf("ValidationError", "A target ID must be specified")
		}
		out = append(out, t)
	}
	return out, nil
}

func parseTags(f controlapi.Form) ([]state.Tag, error) {
	var out []state.Tag
	seen := map[string]bool{}
	for _, m := range f.Members("Tags") {
		t := state.Tag{Key: m.String("Key"), Value: m.String("Value")}
		if t.Key == "" {
			return nil, controlapi.Errorf("ValidationError", "A tag key must be specified")
		}
		if seen[t.Key] {
			return nil, controlapi.Errorf("DuplicateTagKeys", "Tag key '%s' specified more than once", t.Key)
		}
		seen[t.Key] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, controlapi.Errorf("TooManyTags", "You can have at most %d tags per resource", maxTags)
	}
	return out, nil
}

// maxTags is the ELBv2 tags-per-resource quota.
const maxTags = 50

func parseAttributes(f controlapi.Form) (map[string]string, error) {
	ms := f.Members("Attributes")
	if len(ms) == 0 {
		return nil, controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null")
	}
	out := map[string]string{}
	for _, m := range ms {
		out[m.String("Key")] = m.String("Value")
	}
	return out, nil
}
