package terraform

import (
	"github.com/albatross-lb/albatross/internal/config"
)

// The AWS provider's authentication blocks (authenticate_oidc, authenticate_cognito and, since
// provider 6.22, jwt_validation) carry the API's AuthenticateOidcConfig,
// AuthenticateCognitoConfig and JwtValidationConfig under snake_case names; they become the
// same model the CloudFormation importer builds, and validation then applies the API's limits
// (ACT-01, AUTH-01, JWT-01) as for Albatross YAML. As in the provider, a block is read only for
// the action type it belongs to.

// authBlocks names the block each authentication action type reads.
var authBlocks = map[string]string{
	config.ActionAuthenticateOIDC:    "authenticate_oidc",
	config.ActionAuthenticateCognito: "authenticate_cognito",
	config.ActionJWTValidation:       "jwt_validation",
}

// authAction fills a's configuration from the action block b; false when the block is missing.
func (c *converter) authAction(b *block, a *config.Action) bool {
	name := authBlocks[a.Type]
	nb := b.children(name)
	if len(nb) == 0 {
		c.ev.ps.add(b.rng, b.path+"."+name, "is required for an %s action", a.Type)
		return false
	}
	cb := nb[0]
	switch a.Type {
	case config.ActionAuthenticateOIDC:
		a.AuthenticateOidcConfig = c.oidc(cb)
	case config.ActionAuthenticateCognito:
		a.AuthenticateCognitoConfig = c.cognito(cb)
	case config.ActionJWTValidation:
		a.JwtValidationConfig = c.jwtValidation(cb)
	}
	return true
}

func (c *converter) oidc(b *block) *config.AuthenticateOidcConfig {
	ev := c.ev
	for _, name := range []string{"authorization_endpoint", "client_id", "client_secret", "issuer", "token_endpoint", "user_info_endpoint"} {
		ev.required(b, name)
	}
	o := &config.AuthenticateOidcConfig{AuthSession: c.authSession(b)}
	o.Issuer, _ = ev.str(b, "issuer")
	o.AuthorizationEndpoint, _ = ev.str(b, "authorization_endpoint")
	o.TokenEndpoint, _ = ev.str(b, "token_endpoint")
	o.UserInfoEndpoint, _ = ev.str(b, "user_info_endpoint")
	o.ClientID, _ = ev.str(b, "client_id")
	o.ClientSecret, _ = ev.str(b, "client_secret")
	return o
}

func (c *converter) cognito(b *block) *config.AuthenticateCognitoConfig {
	ev := c.ev
	for _, name := range []string{"user_pool_arn", "user_pool_client_id", "user_pool_domain"} {
		ev.required(b, name)
	}
	o := &config.AuthenticateCognitoConfig{AuthSession: c.authSession(b)}
	o.UserPoolArn, _ = ev.str(b, "user_pool_arn")
	o.UserPoolClientID, _ = ev.str(b, "user_pool_client_id")
	o.UserPoolDomain, _ = ev.str(b, "user_pool_domain")
	return o
}

// authSession reads the arguments both authenticate blocks share. The provider sends
// session_timeout only when it is not 0, so 0 keeps the API's default, as on AWS.
func (c *converter) authSession(b *block) config.AuthSession {
	ev := c.ev
	s := config.AuthSession{}
	s.SessionCookieName, _ = ev.str(b, "session_cookie_name")
	s.Scope, _ = ev.str(b, "scope")
	s.OnUnauthenticatedRequest, _ = ev.str(b, "on_unauthenticated_request")
	if t, ok := ev.integer(b, "session_timeout"); ok && t != 0 {
		v := int64(t)
		s.SessionTimeout = &v
	}
	if p, ok := ev.strMap(b, "authentication_request_extra_params"); ok && len(p) > 0 {
		s.AuthenticationRequestExtraParams = p
	}
	return s
}

func (c *converter) jwtValidation(b *block) *config.JwtValidationConfig {
	ev := c.ev
	ev.required(b, "issuer")
	ev.required(b, "jwks_endpoint")
	j := &config.JwtValidationConfig{}
	j.Issuer, _ = ev.str(b, "issuer")
	j.JwksEndpoint, _ = ev.str(b, "jwks_endpoint")
	for _, cb := range b.children("additional_claim") {
		for _, name := range []string{"format", "name", "values"} {
			ev.required(cb, name)
		}
		claim := config.JwtClaim{}
		claim.Format, _ = ev.str(cb, "format")
		claim.Name, _ = ev.str(cb, "name")
		claim.Values, _ = ev.strs(cb, "values")
		j.AdditionalClaims = append(j.AdditionalClaims, claim)
	}
	return j
}
