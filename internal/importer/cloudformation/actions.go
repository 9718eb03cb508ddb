package cloudformation

import (
	"fmt"
	"net"
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
)

func (x *translator) actions(v any, p props, sub string) []config.Action {
	var out []config.Action
	for i, e := range list(v) {
		out = append(out, x.action(e, p, fmt.Sprintf("%s[%d]", sub, i)))
	}
	return out
}

func (x *translator) action(e any, p props, sub string) config.Action {
	a := config.Action{Type: x.str(m(e, "Type"), p, sub+".Type")}
	if o := x.intp(m(e, "Order"), p, sub+".Order"); o != nil {
		a.Order = *o
	}
	if arn := m(e, "TargetGroupArn"); arn != nil {
		a.TargetGroupName = x.targetGroupName(arn, p, sub+".TargetGroupArn")
	}
	if fc := m(e, "ForwardConfig"); fc != nil {
		f := &config.ForwardConfig{}
		for i, tgt := range list(m(fc, "TargetGroups")) {
			ts := fmt.Sprintf("%s.ForwardConfig.TargetGroups[%d]", sub, i)
			f.TargetGroups = append(f.TargetGroups, config.TargetGroupTuple{
				TargetGroupName: x.targetGroupName(m(tgt, "TargetGroupArn"), p, ts+".TargetGroupArn"),
				Weight:          x.intp(m(tgt, "Weight"), p, ts+".Weight"),
			})
		}
		if st := m(fc, "TargetGroupStickinessConfig"); st != nil {
			ss := sub + ".ForwardConfig.TargetGroupStickinessConfig"
			s := &config.TargetGroupStickinessConfig{}
			if b := x.boolp(m(st, "Enabled"), p, ss+".Enabled"); b != nil {
				s.Enabled = *b
			}
			if d := x.intp(m(st, "DurationSeconds"), p, ss+".DurationSeconds"); d != nil {
				s.DurationSeconds = *d
			}
			f.TargetGroupStickinessConfig = s
		}
		a.ForwardConfig = f
	}
	if rc := m(e, "RedirectConfig"); rc != nil {
		rs := sub + ".RedirectConfig"
		r := &config.RedirectConfig{
			Protocol:   x.str(m(rc, "Protocol"), p, rs+".Protocol"),
			Port:       x.str(m(rc, "Port"), p, rs+".Port"),
			Host:       x.str(m(rc, "Host"), p, rs+".Host"),
			Path:       x.str(m(rc, "Path"), p, rs+".Path"),
			StatusCode: x.str(m(rc, "StatusCode"), p, rs+".StatusCode"),
		}
		if q, ok := has(rc, "Query"); ok {
			s := x.str(q, p, rs+".Query")
			r.Query = &s
		}
		a.RedirectConfig = r
	}
	if fr := m(e, "FixedResponseConfig"); fr != nil {
		fs := sub + ".FixedResponseConfig"
		a.FixedResponseConfig = &config.FixedResponseConfig{
			StatusCode:  x.str(m(fr, "StatusCode"), p, fs+".StatusCode"),
			ContentType: x.str(m(fr, "ContentType"), p, fs+".ContentType"),
			MessageBody: x.str(m(fr, "MessageBody"), p, fs+".MessageBody"),
		}
	}
	switch a.Type {
	case "authenticate-oidc", "authenticate-cognito", "jwt-validation":
		x.authAction(&a, e, p, sub)
	}
	return a
}

// authAction translates an authenticate-oidc, authenticate-cognito or jwt-validation action
// (AuthenticateOidcConfig, AuthenticateCognitoConfig, JwtValidationConfig) into the model's
// authenticate_oidc_config, authenticate_cognito_config or jwt_validation_config; validation then
// applies the API's limits (AUTH-01, JWT-01) as for any other source.
func (x *translator) authAction(a *config.Action, e any, p props, sub string) {
	if c := m(e, "AuthenticateOidcConfig"); c != nil {
		cs := sub + ".AuthenticateOidcConfig"
		a.AuthenticateOidcConfig = &config.AuthenticateOidcConfig{
			Issuer:                  x.str(m(c, "Issuer"), p, cs+".Issuer"),
			AuthorizationEndpoint:   x.str(m(c, "AuthorizationEndpoint"), p, cs+".AuthorizationEndpoint"),
			TokenEndpoint:           x.str(m(c, "TokenEndpoint"), p, cs+".TokenEndpoint"),
			UserInfoEndpoint:        x.str(m(c, "UserInfoEndpoint"), p, cs+".UserInfoEndpoint"),
			ClientID:                x.str(m(c, "ClientId"), p, cs+".ClientId"),
			ClientSecret:            x.str(m(c, "ClientSecret"), p, cs+".ClientSecret"),
			UseExistingClientSecret: x.boolp(m(c, "UseExistingClientSecret"), p, cs+".UseExistingClientSecret"),
			AuthSession:             x.authSession(c, p, cs),
		}
	}
	if c := m(e, "AuthenticateCognitoConfig"); c != nil {
		cs := sub + ".AuthenticateCognitoConfig"
		a.AuthenticateCognitoConfig = &config.AuthenticateCognitoConfig{
			UserPoolArn:      x.str(m(c, "UserPoolArn"), p, cs+".UserPoolArn"),
			UserPoolClientID: x.str(m(c, "UserPoolClientId"), p, cs+".UserPoolClientId"),
			UserPoolDomain:   x.str(m(c, "UserPoolDomain"), p, cs+".UserPoolDomain"),
			AuthSession:      x.authSession(c, p, cs),
		}
	}
	if c := m(e, "JwtValidationConfig"); c != nil {
		cs := sub + ".JwtValidationConfig"
		j := &config.JwtValidationConfig{
			JwksEndpoint: x.str(m(c, "JwksEndpoint"), p, cs+".JwksEndpoint"),
			Issuer:       x.str(m(c, "Issuer"), p, cs+".Issuer"),
		}
		for i, claim := range list(m(c, "AdditionalClaims")) {
			ks := fmt.Sprintf("%s.AdditionalClaims[%d]", cs, i)
			j.AdditionalClaims = append(j.AdditionalClaims, config.JwtClaim{
				Format: x.str(m(claim, "Format"), p, ks+".Format"),
				Name:   x.str(m(claim, "Name"), p, ks+".Name"),
				Values: x.strings(m(claim, "Values"), p, ks+".Values"),
			})
		}
		a.JwtValidationConfig = j
	}
}

// authSession reads the settings both authenticate configs share.
func (x *translator) authSession(c any, p props, cs string) config.AuthSession {
	s := config.AuthSession{
		SessionCookieName:        x.str(m(c, "SessionCookieName"), p, cs+".SessionCookieName"),
		Scope:                    x.str(m(c, "Scope"), p, cs+".Scope"),
		OnUnauthenticatedRequest: x.str(m(c, "OnUnauthenticatedRequest"), p, cs+".OnUnauthenticatedRequest"),
	}
	if t := x.intp(m(c, "SessionTimeout"), p, cs+".SessionTimeout"); t != nil {
		v := int64(*t)
		s.SessionTimeout = &v
	}
	if params, ok := m(c, "AuthenticationRequestExtraParams").(map[string]any); ok {
		s.AuthenticationRequestExtraParams = map[string]string{}
		for k, v := range params {
			s.AuthenticationRequestExtraParams[k] = x.str(v, p, cs+".AuthenticationRequestExtraParams."+k)
		}
	}
	return s
}

// targetGroupName resolves a TargetGroupArn to the translated target group's name.
func (x *translator) targetGroupName(v any, p props, sub string) string {
	arn := x.str(v, p, sub)
	if arn == "" {
		return ""
	}
	r := x.lookup(arn, typeTargetGroup)
	if r == nil {
		p.problem(sub, "%q is not a target group of this template", arn)
		return ""
	}
	return x.cfg.TargetGroups[x.tgIndex[r.id]].Name
}

func (x *translator) conditions(v any, p props, sub string) []config.Condition {
	var out []config.Condition
	for i, e := range list(v) {
		cs := fmt.Sprintf("%s[%d]", sub, i)
		c := config.Condition{Field: x.str(m(e, "Field"), p, cs+".Field")}
		if vals, ok := has(e, "Values"); ok {
			c.Values = x.strings(vals, p, cs+".Values")
		}
		values := func(key string) *config.ValuesConfig {
			vc := m(e, key)
			if vc == nil {
				return nil
			}
			return &config.ValuesConfig{
				Values:      x.strings(m(vc, "Values"), p, cs+"."+key+".Values"),
				RegexValues: x.strings(m(vc, "RegexValues"), p, cs+"."+key+".RegexValues"),
			}
		}
		c.HostHeaderConfig = values("HostHeaderConfig")
		c.PathPatternConfig = values("PathPatternConfig")
		c.HTTPRequestMethodConfig = values("HttpRequestMethodConfig")
		c.SourceIPConfig = values("SourceIpConfig")
		if hc := m(e, "HttpHeaderConfig"); hc != nil {
			c.HTTPHeaderConfig = &config.HTTPHeaderConfig{
				HTTPHeaderName: x.str(m(hc, "HttpHeaderName"), p, cs+".HttpHeaderConfig.HttpHeaderName"),
				Values:         x.strings(m(hc, "Values"), p, cs+".HttpHeaderConfig.Values"),
				RegexValues:    x.strings(m(hc, "RegexValues"), p, cs+".HttpHeaderConfig.RegexValues"),
			}
		}
		if qc := m(e, "QueryStringConfig"); qc != nil {
			q := &config.QueryStringConfig{}
			for j, kv := range list(m(qc, "Values")) {
				ks := fmt.Sprintf("%s.QueryStringConfig.Values[%d]", cs, j)
				q.Values = append(q.Values, config.KeyValue{Key: x.str(m(kv, "Key"), p, ks+".Key"), Value: x.str(m(kv, "Value"), p, ks+".Value")})
			}
			c.QueryStringConfig = q
		}
		out = append(out, c)
	}
	return out
}

func (x *translator) transforms(v any, p props, sub string) []config.Transform {
	var out []config.Transform
	for i, e := range list(v) {
		ts := fmt.Sprintf("%s[%d]", sub, i)
		t := config.Transform{Type: x.str(m(e, "Type"), p, ts+".Type")}
		rewrites := func(key string) *config.RewriteConfig {
			rc := m(e, key)
			if rc == nil {
				return nil
			}
			out := &config.RewriteConfig{}
			for j, rw := range list(m(rc, "Rewrites")) {
				rs := fmt.Sprintf("%s.%s.Rewrites[%d]", ts, key, j)
				out.Rewrites = append(out.Rewrites, config.Rewrite{Regex: x.str(m(rw, "Regex"), p, rs+".Regex"), Replace: x.str(m(rw, "Replace"), p, rs+".Replace")})
			}
			return out
		}
		t.HostHeaderRewriteConfig = rewrites("HostHeaderRewriteConfig")
		t.URLRewriteConfig = rewrites("UrlRewriteConfig")
		out = append(out, t)
	}
	return out
}

func splitHostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("port %q must be 1-65535", port)
	}
	return host, n, nil
}
