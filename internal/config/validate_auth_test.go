package config

import (
	"strings"
	"testing"
)

const oidcYAML = `{type: authenticate-oidc, order: 1, authenticate_oidc_config: {
	issuer: "https://idp.example.com", authorization_endpoint: "https://idp.example.com/auth",
	token_endpoint: "https://idp.example.com/token", user_info_endpoint: "https://idp.example.com/userinfo",
	client_id: albatross, client_secret: s3cret %s}}`

// authActs makes the base listener HTTPS and gives its rule an auth action (YAML) and a forward.
func authActs(authYAML string) mutation {
	return func(c *Config) {
		https(c, nil)
		rule(c).Actions = fromYAML[[]Action](`[` + authYAML + `, {type: forward, order: 2, target_group_name: api}]`)
	}
}

func oidc(extra string) mutation { return authActs(strings.Replace(oidcYAML, "%s", extra, 1)) }

// TestValidateAuthActions covers ACT-01, AUTH-01 and JWT-01's configuration rules.
func TestValidateAuthActions(t *testing.T) {
	t.Parallel()
	oc := act0 + ".authenticate_oidc_config"
	cc := act0 + ".authenticate_cognito_config"
	jc := act0 + ".jwt_validation_config"
	cognito := func(extra string) mutation {
		return authActs(`{type: authenticate-cognito, order: 1, authenticate_cognito_config: {
			user_pool_arn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123",
			user_pool_client_id: abc, user_pool_domain: myapp ` + extra + `}}`)
	}
	jwt := func(extra string) mutation {
		return authActs(`{type: jwt-validation, order: 1, jwt_validation_config: {
			jwks_endpoint: "https://idp.example.com/jwks", issuer: "https://idp.example.com" ` + extra + `}}`)
	}
	runValidation(t, []validationCase{
		{desc: "AUTH-01 oidc before forward", mutate: oidc("")},
		{desc: "AUTH-01 every setting", mutate: oidc(`, scope: "openid email", session_cookie_name: my-cookie,
			session_timeout: 3600, on_unauthenticated_request: deny, authentication_request_extra_params: {prompt: login}`)},
		{desc: "AUTH-01 HTTPS listeners only", want: paths(act0 + ".type"), mutate: func(c *Config) {
			oidc("")(c)
			lst(c).Protocol, lst(c).Certificates = "", nil
		}},
		{desc: "AUTH-01 in default actions", mutate: func(c *Config) {
			https(c, nil)
			lst(c).DefaultActions = fromYAML[[]Action](`[` + strings.Replace(oidcYAML, "%s", "", 1) + `, {type: forward, order: 2, target_group_name: site}]`)
		}},
		{desc: "ACT-01 routing action must run last", want: paths(rule0 + ".actions[1].order"), mutate: func(c *Config) {
			oidc("")(c)
			rule(c).Actions[1].Order = 0
			rule(c).Actions[0].Order, rule(c).Actions[1].Order = 5, 4
		}},
		{desc: "ACT-01 two auth actions", want: paths(rule0 + ".actions"), mutate: func(c *Config) {
			oidc("")(c)
			a := rule(c).Actions
			second := a[0]
			second.Order = 3
			a[1].Order = 4
			rule(c).Actions = append(a, second)
		}},
		{desc: "ACT-01 auth action alone", want: paths(rule0 + ".actions"), mutate: func(c *Config) {
			oidc("")(c)
			rule(c).Actions = rule(c).Actions[:1]
		}},
		{desc: "ACT-01 orders required", want: paths(act0+".order", rule0+".actions[1].order"), mutate: func(c *Config) {
			oidc("")(c)
			rule(c).Actions[0].Order, rule(c).Actions[1].Order = 0, 0
		}},
		{desc: "AUTH-01 missing endpoints and client", want: paths(oc+".issuer", oc+".authorization_endpoint", oc+".token_endpoint",
			oc+".user_info_endpoint", oc+".client_id", oc+".client_secret"),
			mutate: authActs(`{type: authenticate-oidc, order: 1, authenticate_oidc_config: {}}`)},
		{desc: "AUTH-01 endpoints are https", want: paths(oc + ".token_endpoint"), mutate: func(c *Config) {
			oidc("")(c)
			rule(c).Actions[0].AuthenticateOidcConfig.TokenEndpoint = "http://idp.example.com/token"
		}},
		{desc: "AUTH-01 existing client secret", mutate: func(c *Config) {
			oidc("")(c)
			yes := true
			o := rule(c).Actions[0].AuthenticateOidcConfig
			o.ClientSecret, o.UseExistingClientSecret = "", &yes
		}},
		{desc: "AUTH-01 session timeout range", want: paths(oc + ".session_timeout"), mutate: oidc(`, session_timeout: 604801`)},
		{desc: "AUTH-01 session timeout zero", want: paths(oc + ".session_timeout"), mutate: oidc(`, session_timeout: 0`)},
		{desc: "AUTH-01 unauthenticated behaviour", want: paths(oc + ".on_unauthenticated_request"), mutate: oidc(`, on_unauthenticated_request: Deny`)},
		{desc: "AUTH-01 at most 10 extra params", want: paths(oc + ".authentication_request_extra_params"),
			mutate: oidc(`, authentication_request_extra_params: {a: "1", b: "2", c: "3", d: "4", e: "5", f: "6", g: "7", h: "8", i: "9", j: "10", k: "11"}`)},
		{desc: "extra params cannot replace the flow's own", want: paths(oc + ".authentication_request_extra_params.state"),
			mutate: oidc(`, authentication_request_extra_params: {state: x}`)},
		{desc: "cookie name is a token", want: paths(oc + ".session_cookie_name"), mutate: oidc(`, session_cookie_name: "a b"`)},
		{desc: "oidc config on a forward", want: paths(rule0 + ".actions[1].authenticate_oidc_config"), mutate: func(c *Config) {
			oidc("")(c)
			rule(c).Actions[1].AuthenticateOidcConfig = rule(c).Actions[0].AuthenticateOidcConfig
		}},
		{desc: "auth action without config", want: paths(act0 + ".authenticate_oidc_config"),
			mutate: authActs(`{type: authenticate-oidc, order: 1}`)},
		{desc: "cognito", mutate: cognito("")},
		{desc: "cognito bad pool ARN", want: paths(cc + ".user_pool_arn"), mutate: func(c *Config) {
			cognito("")(c)
			rule(c).Actions[0].AuthenticateCognitoConfig.UserPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:pool/x"
		}},
		{desc: "cognito needs client and domain", want: paths(cc+".user_pool_arn", cc+".user_pool_client_id", cc+".user_pool_domain"),
			mutate: authActs(`{type: authenticate-cognito, order: 1, authenticate_cognito_config: {}}`)},
		{desc: "JWT-01 jwt-validation", mutate: jwt(`, additional_claims: [{name: scope, format: space-separated-values, values: [read, write]},
			{name: groups, format: string-array, values: [admin]}, {name: tenant, format: single-string, values: [a, b]}]`)},
		{desc: "JWT-01 endpoint and issuer required", want: paths(jc+".jwks_endpoint", jc+".issuer"),
			mutate: authActs(`{type: jwt-validation, order: 1, jwt_validation_config: {}}`)},
		{desc: "JWT-01 endpoint at most 256", want: paths(jc + ".jwks_endpoint"), mutate: func(c *Config) {
			jwt("")(c)
			rule(c).Actions[0].JwtValidationConfig.JwksEndpoint = "https://idp.example.com/" + strings.Repeat("k", 240)
		}},
		{desc: "JWT-01 issuer at most 256", want: paths(jc + ".issuer"), mutate: func(c *Config) {
			jwt("")(c)
			rule(c).Actions[0].JwtValidationConfig.Issuer = strings.Repeat("i", 257)
		}},
		{desc: "JWT-01 default claims cannot be configured", want: paths(jc+".additional_claims[0].name", jc+".additional_claims[1].name"),
			mutate: jwt(`, additional_claims: [{name: exp, format: single-string, values: ["1"]}, {name: iss, format: single-string, values: [x]}]`)},
		{desc: "JWT-01 claim format", want: paths(jc + ".additional_claims[0].format"),
			mutate: jwt(`, additional_claims: [{name: a, format: array, values: [x]}]`)},
		{desc: "JWT-01 values 1..10", want: paths(jc+".additional_claims[0].values", jc+".additional_claims[1].values"),
			mutate: jwt(`, additional_claims: [{name: a, format: single-string, values: []},
				{name: b, format: single-string, values: ["1","2","3","4","5","6","7","8","9","10","11"]}]`)},
		{desc: "JWT-01 no spaces in space-separated values", want: paths(jc + ".additional_claims[0].values[1]"),
			mutate: jwt(`, additional_claims: [{name: scope, format: space-separated-values, values: [read, "read write"]}]`)},
		{desc: "JWT-01 value at most 256", want: paths(jc + ".additional_claims[0].values[0]"), mutate: func(c *Config) {
			jwt(`, additional_claims: [{name: a, format: single-string, values: [x]}]`)(c)
			rule(c).Actions[0].JwtValidationConfig.AdditionalClaims[0].Values[0] = strings.Repeat("v", 257)
		}},
		{desc: "JWT-01 at most 10 claims", want: paths(jc + ".additional_claims"), mutate: func(c *Config) {
			jwt("")(c)
			for i := range 11 {
				rule(c).Actions[0].JwtValidationConfig.AdditionalClaims = append(rule(c).Actions[0].JwtValidationConfig.AdditionalClaims,
					JwtClaim{Name: "c" + strings.Repeat("x", i), Format: ClaimFormatSingleString, Values: []string{"v"}})
			}
		}},
		{desc: "JWT-01 duplicate claim", want: paths(jc + ".additional_claims[1].name"),
			mutate: jwt(`, additional_claims: [{name: a, format: single-string, values: [x]}, {name: a, format: single-string, values: [y]}]`)},
	})
}

func TestAuthSessionDefaults(t *testing.T) {
	t.Parallel()
	var s AuthSession
	if s.EffectiveSessionCookieName() != "AWSELBAuthSessionCookie" || s.EffectiveScope() != "openid" ||
		s.EffectiveSessionTimeout() != 604800 || s.EffectiveOnUnauthenticatedRequest() != "authenticate" {
		t.Errorf("AUTH-01 defaults: %q %q %d %q", s.EffectiveSessionCookieName(), s.EffectiveScope(),
			s.EffectiveSessionTimeout(), s.EffectiveOnUnauthenticatedRequest())
	}
	region, pool, ok := ParseUserPoolARN("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123")
	if !ok || region != "eu-west-1" || pool != "eu-west-1_AbC123" {
		t.Errorf("ParseUserPoolARN = %q %q %v", region, pool, ok)
	}
}

// TestValidateUserPools covers albatross_user_pools, Albatross's own mapping of Cognito pools.
func TestValidateUserPools(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"
	pools := func(y string) mutation { return func(c *Config) { c.UserPools = fromYAML[[]UserPool](y) } }
	up := "albatross_user_pools"
	runValidation(t, []validationCase{
		{desc: "secret only", mutate: pools(`[{user_pool_arn: "` + arn + `", client_secret: s}]`)},
		{desc: "mapped to another provider", mutate: pools(`[{user_pool_arn: "` + arn + `", client_secret: s, client_id: local,
			issuer: "https://idp.local", authorization_endpoint: "https://idp.local/a", token_endpoint: "https://idp.local/t", user_info_endpoint: "https://idp.local/u"}]`)},
		{desc: "bad ARN", want: paths(up + "[0].user_pool_arn"), mutate: pools(`[{user_pool_arn: "pool"}]`)},
		{desc: "same pool twice", want: paths(up + "[1].user_pool_arn"), mutate: pools(`[{user_pool_arn: "` + arn + `"}, {user_pool_arn: "` + arn + `"}]`)},
		{desc: "all four endpoints or none", want: paths(up+"[0].authorization_endpoint", up+"[0].token_endpoint", up+"[0].user_info_endpoint"),
			mutate: pools(`[{user_pool_arn: "` + arn + `", issuer: "https://idp.local"}]`)},
		{desc: "client_id needs a mapping", want: paths(up + "[0].client_id"), mutate: pools(`[{user_pool_arn: "` + arn + `", client_id: x}]`)},
		{desc: "stood in for with users", mutate: pools(`[{user_pool_arn: "` + arn + `", users: [{username: ann, password: pw,
			claims: {email: ann@example.com, "cognito:groups": [admins]}}, {username: bob, password: pw, sub: b-1}]}]`)},
		{desc: "users need name and password, once", want: paths(up+"[0].users[0].password", up+"[0].users[1].username", up+"[0].users[2].username"),
			mutate: pools(`[{user_pool_arn: "` + arn + `", users: [{username: ann}, {password: x}, {username: ann, password: y}]}]`)},
		{desc: "users or a mapping", want: paths(up + "[0].users"), mutate: pools(`[{user_pool_arn: "` + arn + `", users: [{username: a, password: b}],
			issuer: "https://idp.local", authorization_endpoint: "https://idp.local/a", token_endpoint: "https://idp.local/t", user_info_endpoint: "https://idp.local/u"}]`)},
	})
	c := &Config{UserPools: []UserPool{{UserPoolArn: arn, ClientSecret: "s"}}}
	if p, ok := c.LookupUserPool("arn:aws:cognito-idp:eu-west-1:000000000000:userpool/us-east-1_AbC123"); !ok || p.ClientSecret != "s" {
		t.Error("pools are matched by ID")
	}
}
