package config

import (
	"regexp"
	"slices"
	"unicode/utf8"
)

// Action limits (ACT-01, FWD-01, FWD-02, FIX-01).
const (
	minOrder                = 1
	maxOrder                = 50000
	maxTargetGroupsPerFwd   = 5
	maxWeight               = 999
	maxStickinessSeconds    = 604800
	maxFixedResponseBodyLen = 1024
)

// actions checks one action list (default_actions or rules[].actions): ACT-01 asks for exactly
// one routing action, last by Order, and at most one authentication action before it; Order is
// 1..50000, unique, and required when there are several actions.
func (v *validator) actions(p string, lb *LoadBalancer, l *Listener, acts []Action) {
	orders := map[int]int{}
	for i := range acts {
		a := &acts[i]
		ap := idx(p, i)
		switch {
		case a.Order == 0 && len(acts) > 1:
			v.ps.Add(key(ap, "order"), "is required when a list has several actions (ACT-01)")
		case a.Order != 0 && (a.Order < minOrder || a.Order > maxOrder):
			v.ps.Add(key(ap, "order"), "must be 1..50000 (ACT-01), got %d", a.Order)
		case a.Order != 0:
			if j, dup := orders[a.Order]; dup {
				v.ps.Add(key(ap, "order"), "order %d is already used by [%d] (ACT-01)", a.Order, j)
			}
			orders[a.Order] = i
		}
		v.action(ap, lb, l, a)
	}
	v.actionSequence(p, acts)
}

// action checks one action: its type and that it carries exactly the config its type uses.
func (v *validator) action(p string, lb *LoadBalancer, l *Listener, a *Action) {
	isFwd := a.TargetGroupName != "" || a.TargetGroupARN != "" || a.ForwardConfig != nil
	switch a.Type {
	case ActionForward:
		v.forward(p, lb, a)
		v.protocolVersionsFit(p, l, a)
	case ActionRedirect:
		if a.RedirectConfig == nil {
			v.ps.Add(key(p, "redirect_config"), "is required for a redirect action")
		} else {
			v.redirect(key(p, "redirect_config"), l, a.RedirectConfig)
		}
	case ActionFixedResponse:
		if a.FixedResponseConfig == nil {
			v.ps.Add(key(p, "fixed_response_config"), "is required for a fixed-response action")
		} else {
			v.fixedResponse(key(p, "fixed_response_config"), a.FixedResponseConfig)
		}
	case ActionAuthenticateOIDC, ActionAuthenticateCognito, ActionJWTValidation:
		v.authAction(p, l, a)
	case "":
		v.ps.Add(key(p, "type"), "is required (forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito or jwt-validation)")
		return
	default:
		v.ps.Add(key(p, "type"), "unsupported action type %q (want forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito or jwt-validation)", a.Type)
		return
	}
	v.authConfigsBelong(p, a)
	if a.Type != ActionForward && isFwd {
		v.ps.Add(p, "target_group_name, target_group_arn and forward_config belong to forward actions")
	}
	if a.Type != ActionRedirect && a.RedirectConfig != nil {
		v.ps.Add(key(p, "redirect_config"), "belongs to redirect actions")
	}
	if a.Type != ActionFixedResponse && a.FixedResponseConfig != nil {
		v.ps.Add(key(p, "fixed_response_config"), "belongs to fixed-response actions")
	}
}

// protocolVersionsFit refuses a forward from an HTTP listener to an HTTP2 or GRPC target group:
// those protocol versions need HTTP/2 from clients, which only HTTPS listeners speak (H2-06,
// H2-01); through an HTTP listener every request would be answered 464.
func (v *validator) protocolVersionsFit(p string, l *Listener, a *Action) {
	if l.EffectiveProtocol() == ProtocolHTTPS {
		return
	}
	refs := []TargetGroupTuple{{TargetGroupName: a.TargetGroupName, TargetGroupARN: a.TargetGroupARN}}
	if a.ForwardConfig != nil {
		refs = a.ForwardConfig.TargetGroups
	}
	for _, ref := range refs {
		name := ref.TargetGroupName
		if ref.TargetGroupARN != "" {
			name, _ = ParseTargetGroupARN(ref.TargetGroupARN)
		}
		i, ok := v.tgs[name]
		if !ok {
			continue // reported by forward
		}
		if pv := v.cfg.TargetGroups[i].EffectiveProtocolVersion(); pv == ProtocolVersionHTTP2 || pv == ProtocolVersionGRPC {
			v.ps.Add(p, "target group %q has protocol_version %s, which only HTTPS listeners can forward to (H2-06)", name, pv)
		}
	}
}

// forward checks a forward action: exactly one of target_group_name, target_group_arn and
// forward_config (FWD-01).
func (v *validator) forward(p string, lb *LoadBalancer, a *Action) {
	n := 0
	for _, set := range []bool{a.TargetGroupName != "", a.TargetGroupARN != "", a.ForwardConfig != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.ps.Add(p, "a forward action needs exactly one of target_group_name, target_group_arn or forward_config (FWD-01)")
	}
	switch {
	case a.TargetGroupName != "":
		v.targetGroupRef(key(p, "target_group_name"), lb, a.TargetGroupName, "")
	case a.TargetGroupARN != "":
		v.targetGroupRef(key(p, "target_group_arn"), lb, "", a.TargetGroupARN)
	}
	if a.ForwardConfig != nil {
		v.forwardConfig(key(p, "forward_config"), lb, a.ForwardConfig)
	}
}

// forwardConfig checks weighted target groups and group stickiness (FWD-01, FWD-02).
func (v *validator) forwardConfig(p string, lb *LoadBalancer, fc *ForwardConfig) {
	tp := key(p, "target_groups")
	if len(fc.TargetGroups) < 1 || len(fc.TargetGroups) > maxTargetGroupsPerFwd {
		v.ps.Add(tp, "must list 1..5 target groups (FWD-01), got %d", len(fc.TargetGroups))
	}
	seen := map[string]int{}
	targetSticky := false
	for i, t := range fc.TargetGroups {
		ip := idx(tp, i)
		if (t.TargetGroupName == "") == (t.TargetGroupARN == "") {
			v.ps.Add(ip, "needs exactly one of target_group_name or target_group_arn")
		}
		name := v.targetGroupRef(key(ip, refKey(t)), lb, t.TargetGroupName, t.TargetGroupARN)
		if j, dup := seen[name]; dup && name != "" {
			v.ps.Add(ip, "target group %q is already listed at [%d]", name, j)
		} else if name != "" {
			seen[name] = i
			if k, ok := v.tgs[name]; ok && v.cfg.TargetGroups[k].Attribute(AttrStickinessEnabled) == "true" {
				targetSticky = true
			}
		}
		switch {
		case t.Weight == nil && len(fc.TargetGroups) > 1:
			v.ps.Add(key(ip, "weight"), "is required when forwarding to several target groups (FWD-01)")
		case t.Weight != nil && (*t.Weight < 0 || *t.Weight > maxWeight):
			v.ps.Add(key(ip, "weight"), "must be 0..999 (FWD-01), got %d", *t.Weight)
		}
	}
	sc := fc.TargetGroupStickinessConfig
	enabled := sc != nil && sc.Enabled
	if enabled && (sc.DurationSeconds < 1 || sc.DurationSeconds > maxStickinessSeconds) {
		v.ps.Add(key(p, "target_group_stickiness_config.duration_seconds"),
			"must be 1..604800 when stickiness is enabled (FWD-02), got %d", sc.DurationSeconds)
	}
	if targetSticky && !enabled && len(fc.TargetGroups) > 1 {
		v.ps.Add(key(p, "target_group_stickiness_config"),
			"must be enabled: a target group here has stickiness.enabled=true (FWD-02)")
	}
}

// refKey names the key a tuple used for its target group.
func refKey(t TargetGroupTuple) string {
	if t.TargetGroupName == "" && t.TargetGroupARN != "" {
		return "target_group_arn"
	}
	return "target_group_name"
}

// targetGroupRef resolves a reference by name or ARN to a configured target group and records
// which load balancer uses it (quota "load balancers per target group" = 1, TG-02). It returns
// the target group's name, or "" when the reference does not resolve (reported).
func (v *validator) targetGroupRef(p string, lb *LoadBalancer, name, arn string) string {
	if arn != "" {
		n, ok := ParseTargetGroupARN(arn)
		if !ok {
			v.ps.Add(p, "must be a target group ARN arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>, got %q", arn)
			return ""
		}
		name = n
	}
	if name == "" {
		return ""
	}
	if _, ok := v.tgs[name]; !ok {
		v.ps.Add(p, "target group %q is not defined in target_groups", name)
		return ""
	}
	if owner, used := v.tgOwner[name]; used && owner != lb.Name {
		v.ps.Add(p, "target group %q is already used by load balancer %q (a target group belongs to at most one load balancer, TG-02)", name, owner)
	} else {
		v.tgOwner[name] = lb.Name
	}
	return name
}

// fixedStatusRe is FIX-01's StatusCode pattern.
var fixedStatusRe = regexp.MustCompile(`^(2|4|5)\d\d$`)

// FixedResponseContentTypes are the content types a fixed-response action may declare (FIX-01).
var FixedResponseContentTypes = []string{
	"text/plain", "text/css", "text/html", "application/javascript", "application/json",
}

// fixedResponse checks a fixed-response config (FIX-01).
func (v *validator) fixedResponse(p string, f *FixedResponseConfig) {
	if !fixedStatusRe.MatchString(f.StatusCode) {
		v.ps.Add(key(p, "status_code"), "must be a 2XX, 4XX or 5XX code as a string (FIX-01), got %q", f.StatusCode)
	}
	if f.ContentType != "" && !slices.Contains(FixedResponseContentTypes, f.ContentType) {
		v.ps.Add(key(p, "content_type"), "must be one of text/plain, text/css, text/html, application/javascript, application/json (FIX-01), got %q", f.ContentType)
	}
	if n := utf8.RuneCountInString(f.MessageBody); n > maxFixedResponseBodyLen {
		v.ps.Add(key(p, "message_body"), "must be at most 1024 characters (FIX-01), got %d", n)
	}
}
