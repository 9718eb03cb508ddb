package elbv2

import (
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
)

// Rule transforms on the wire (docs/spec.md A.6 CreateRule/ModifyRule, TRF-01..05):
// Transforms.member.N.{Type, HostHeaderRewriteConfig.Rewrites.member.M.{Regex,Replace},
// UrlRewriteConfig.Rewrites.member.M.{Regex,Replace}}, plus ResetTransforms on ModifyRule.
// The shapes map one to one onto config.Transform, which config.Validate checks when the
// new revision is built, so the API and the file refuse the same transforms.

type xmlTransform struct {
	Type                    string            `xml:"Type"`
	HostHeaderRewriteConfig *xmlRewriteConfig `xml:"HostHeaderRewriteConfig,omitempty"`
	URLRewriteConfig        *xmlRewriteConfig `xml:"UrlRewriteConfig,omitempty"`
}

type xmlTransforms struct {
	Members []xmlTransform `xml:"member"`
}

type xmlRewriteConfig struct {
	Rewrites []xmlRewrite `xml:"Rewrites>member"`
}

type xmlRewrite struct {
	Regex   string `xml:"Regex"`
	Replace string `xml:"Replace"`
}

// parseTransforms decodes Transforms.member.N; nil when the request carries none.
func parseTransforms(f controlapi.Form) []config.Transform {
	var out []config.Transform
	for _, m := range f.Members("Transforms") {
		out = append(out, config.Transform{Type: m.String("Type"),
			HostHeaderRewriteConfig: parseRewrites(m, "HostHeaderRewriteConfig"),
			URLRewriteConfig:        parseRewrites(m, "UrlRewriteConfig")})
	}
	return out
}

func parseRewrites(m controlapi.Form, key string) *config.RewriteConfig {
	if !m.HasPrefix(key) {
		return nil
	}
	rc := &config.RewriteConfig{}
	for _, rw := range m.Sub(key).Members("Rewrites") {
		rc.Rewrites = append(rc.Rewrites, config.Rewrite{Regex: rw.String("Regex"), Replace: rw.String("Replace")})
	}
	return rc
}

// transformChange is what ModifyRule does to a rule's transforms: keep them (neither key sent),
// replace them (Transforms), or remove them (ResetTransforms=true).
type transformChange struct {
	set   bool
	value []config.Transform
}

// parseTransformChange reads Transforms and ResetTransforms of ModifyRule. Both together are a
// ValidationError, as the SDK documents ("If you specify ResetTransforms, you can't specify
// Transforms"); ResetTransforms=false alone changes nothing.
func parseTransformChange(f controlapi.Form) (transformChange, error) {
	reset, err := f.Bool("ResetTransforms")
	if err != nil {
		return transformChange{}, err
	}
	ts := parseTransforms(f)
	switch {
	case reset != nil && *reset && ts != nil:
		return transformChange{}, controlapi.Errorf("ValidationError", "You cannot specify both 'Transforms' and 'ResetTransforms'")
	case reset != nil && *reset:
		return transformChange{set: true}, nil
	case ts != nil:
		return transformChange{set: true, value: ts}, nil
	}
	return transformChange{}, nil
}

// apply changes rule's transforms as the request asked.
func (tc transformChange) apply(rule *config.Rule) {
	if tc.set {
		rule.Transforms = tc.value
	}
}

// renderTransforms is a rule's Transforms list; nil (element omitted) for a rule without any,
// which keeps DescribeRules output of transform-free rules as it was before transforms existed.
func renderTransforms(ts []config.Transform) *xmlTransforms {
	if len(ts) == 0 {
		return nil
	}
	out := &xmlTransforms{}
	for _, t := range ts {
		out.Members = append(out.Members, xmlTransform{Type: t.Type,
			HostHeaderRewriteConfig: renderRewrites(t.HostHeaderRewriteConfig),
			URLRewriteConfig:        renderRewrites(t.URLRewriteConfig)})
	}
	return out
}

func renderRewrites(rc *config.RewriteConfig) *xmlRewriteConfig {
	if rc == nil {
		return nil
	}
	out := &xmlRewriteConfig{Rewrites: []xmlRewrite{}}
	for _, rw := range rc.Rewrites {
		out.Rewrites = append(out.Rewrites, xmlRewrite(rw))
	}
	return out
}
