package config

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of the authentication actions (AUTH-01, JWT-01).
const (
	maxAuthExtraParams   = 10
	maxSessionTimeout    = 604800
	maxJWTEndpointLen    = 256
	maxJWTIssuerLen      = 256
	maxJWTClaims         = 10
	maxJWTClaimValues    = 10
	maxJWTClaimValueLen  = 256
	maxSessionCookieName = 256
)

// cognitoPoolARNRe is a Cognito user pool ARN; the pool ID is <region>_<suffix>.
var cognitoPoolARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):(\d{12}):userpool/([a-z0-9-]+_[0-9A-Za-z]+)$`)

// ParseUserPoolARN returns a Cognito user pool ARN's region and pool ID.
func ParseUserPoolARN(arn string) (region, poolID string, ok bool) {
	m := cognitoPoolARNRe.FindStringSubmatch(arn)
	if m == nil {
		return "", "", false
	}
	return m[1], m[3], true
}

// actionSequence checks ACT-01 over a whole list: exactly one routing action, at most one
// authentication action, and the routing action last by order.
func (v *validator) actionSequence(p string, acts []Action) {
	routing, auth := -1, -1
	nRouting, nAuth, nUnknown := 0, 0, 0
	for i := range acts {
		switch t := acts[i].Type; {
		case IsAuthAction(t):
			nAuth++
			auth = i
		case t == ActionForward || t == ActionRedirect || t == ActionFixedResponse:
			nRouting++
			routing = i
		default:
			nUnknown++ // reported by action
		}
	}
	if nRouting > 1 || (nRouting == 0 && nAuth > 0 && nUnknown == 0) {
		v.ps.Add(p, "exactly one routing action (forward, redirect or fixed-response) per list, got %d (ACT-01)", nRouting)
	}
	if nAuth > 1 {
		v.ps.Add(p, "at most one authentication action (authenticate-oidc, authenticate-cognito or jwt-validation) per list, got %d (ACT-01)", nAuth)
	}
	if nRouting == 1 && nAuth == 1 && acts[auth].Order != 0 && acts[routing].Order != 0 && acts[auth].Order > acts[routing].Order {
		v.ps.Add(key(idx(p, routing), "order"), "the routing action must run last: its order %d is below the authentication action's %d (ACT-01)",
			acts[routing].Order, acts[auth].Order)
	}
}

// authConfigsBelong refuses an authentication config on an action of another type.
func (v *validator) authConfigsBelong(p string, a *Action) {
	if a.Type != ActionAuthenticateOIDC && a.AuthenticateOidcConfig != nil {
		v.ps.Add(key(p, "authenticate_oidc_config"), "belongs to authenticate-oidc actions")
	}
	if a.Type != ActionAuthenticateCognito && a.AuthenticateCognitoConfig != nil {
		v.ps.Add(key(p, "authenticate_cognito_config"), "belongs to authenticate-cognito actions")
	}
	if a.Type != ActionJWTValidation && a.JwtValidationConfig != nil {
		v.ps.Add(key(p, "jwt_validation_config"), "belongs to jwt-validation actions")
	}
	if IsAuthAction(a.Type) && (a.TargetGroupName != "" || a.TargetGroupARN != "" || a.ForwardConfig != nil) {
		v.ps.Add(p, "target_group_name, target_group_arn and forward_config belong to forward actions")
	}
}

// authAction checks an authentication action: HTTPS listeners only (AUTH-01, JWT-01), and its
// config.
func (v *validator) authAction(p string, l *Listener, a *Action) {
	if l.EffectiveProtocol() != ProtocolHTTPS {
		v.ps.Add(key(p, "type"), "%s actions need an HTTPS listener (AUTH-01, JWT-01)", a.Type)
	}
	switch a.Type {
	case ActionAuthenticateOIDC:
		if a.AuthenticateOidcConfig == nil {
			v.ps.Add(key(p, "authenticate_oidc_config"), "is required for an authenticate-oidc action")
			return
		}
		v.oidcConfig(key(p, "authenticate_oidc_config"), a.AuthenticateOidcConfig)
	case ActionAuthenticateCognito:
		if a.AuthenticateCognitoConfig == nil {
			v.ps.Add(key(p, "authenticate_cognito_config"), "is required for an authenticate-cognito action")
			return
		}
		v.cognitoConfig(key(p, "authenticate_cognito_config"), a.AuthenticateCognitoConfig)
	case ActionJWTValidation:
		if a.JwtValidationConfig == nil {
			v.ps.Add(key(p, "jwt_validation_config"), "is required for a jwt-validation action")
			return
		}
		v.jwtConfig(key(p, "jwt_validation_config"), a.JwtValidationConfig)
	}
}

func (v *validator) oidcConfig(p string, c *AuthenticateOidcConfig) {
	for _, f := range []struct{ name, value string }{
		{"issuer", c.Issuer}, {"authorization_endpoint", c.AuthorizationEndpoint},
		{"token_endpoint", c.TokenEndpoint}, {"user_info_endpoint", c.UserInfoEndpoint},
	} {
		v.httpsURL(key(p, f.name), f.value)
	}
	if c.ClientID == "" {
		v.ps.Add(key(p, "client_id"), "is required")
	}
	if c.ClientSecret == "" && (c.UseExistingClientSecret == nil || !*c.UseExistingClientSecret) {
		v.ps.Add(key(p, "client_secret"), "is required unless use_existing_client_secret is true")
	}
	v.authSession(p, &c.AuthSession)
}

func (v *validator) cognitoConfig(p string, c *AuthenticateCognitoConfig) {
	if _, _, ok := ParseUserPoolARN(c.UserPoolArn); !ok {
		v.ps.Add(key(p, "user_pool_arn"), "must be a user pool ARN arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>, got %q", c.UserPoolArn)
	}
	if c.UserPoolClientID == "" {
		v.ps.Add(key(p, "user_pool_client_id"), "is required")
	}
	if c.UserPoolDomain == "" {
		v.ps.Add(key(p, "user_pool_domain"), "is required")
	} else if strings.ContainsAny(c.UserPoolDomain, "/:?# ") {
		v.ps.Add(key(p, "user_pool_domain"), "must be a domain prefix or a domain name, got %q", c.UserPoolDomain)
	}
	v.authSession(p, &c.AuthSession)
}

// authSession checks the settings both authenticate actions share (AUTH-01).
func (v *validator) authSession(p string, s *AuthSession) {
	if s.SessionTimeout != nil && (*s.SessionTimeout < 1 || *s.SessionTimeout > maxSessionTimeout) {
		v.ps.Add(key(p, "session_timeout"), "must be 1..604800 seconds (AUTH-01), got %d", *s.SessionTimeout)
	}
	switch s.OnUnauthenticatedRequest {
	case "", UnauthenticatedAuthenticate, UnauthenticatedDeny, UnauthenticatedAllow:
	default:
		v.ps.Add(key(p, "on_unauthenticated_request"), "must be authenticate, deny or allow (AUTH-01), got %q", s.OnUnauthenticatedRequest)
	}
	if n := len(s.AuthenticationRequestExtraParams); n > maxAuthExtraParams {
		v.ps.Add(key(p, "authentication_request_extra_params"), "at most 10 parameters (AUTH-01), got %d", n)
	}
	for name := range s.AuthenticationRequestExtraParams {
		if slices.Contains(reservedAuthParams, name) {
			v.ps.Add(key(key(p, "authentication_request_extra_params"), name), "is set by the load balancer itself")
		}
	}
	if n := len(s.SessionCookieName); n > maxSessionCookieName || (s.SessionCookieName != "" && !cookieNameRe.MatchString(s.SessionCookieName)) {
		v.ps.Add(key(p, "session_cookie_name"), "must be a cookie name of at most 256 letters, digits and !#$%%&'*+-.^_`|~, got %q", s.SessionCookieName)
	}
	if strings.TrimSpace(s.Scope) == "" && s.Scope != "" {
		v.ps.Add(key(p, "scope"), "must name at least one scope")
	}
}

// reservedAuthParams are the authorization request's parameters the load balancer sets; an extra
// parameter must not replace them, or the flow breaks.
var reservedAuthParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce"}

// cookieNameRe is RFC 6265's cookie-name (an HTTP token).
var cookieNameRe = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")

// httpsURL checks a required full https URL.
func (v *validator) httpsURL(p, s string) {
	if s == "" {
		v.ps.Add(p, "is required")
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		v.ps.Add(p, "must be a full URL starting with https://, got %q", s)
	}
}

// jwtConfig checks a jwt-validation config (JWT-01).
func (v *validator) jwtConfig(p string, c *JwtValidationConfig) {
	v.httpsURL(key(p, "jwks_endpoint"), c.JwksEndpoint)
	if n := utf8.RuneCountInString(c.JwksEndpoint); n > maxJWTEndpointLen {
		v.ps.Add(key(p, "jwks_endpoint"), "must be at most 256 characters (JWT-01), got %d", n)
	}
	switch n := utf8.RuneCountInString(c.Issuer); {
	case n == 0:
		v.ps.Add(key(p, "issuer"), "is required (JWT-01)")
	case n > maxJWTIssuerLen:
		v.ps.Add(key(p, "issuer"), "must be at most 256 characters (JWT-01), got %d", n)
	}
	cp := key(p, "additional_claims")
	if len(c.AdditionalClaims) > maxJWTClaims {
		v.ps.Add(cp, "at most 10 claims (JWT-01), got %d", len(c.AdditionalClaims))
	}
	names := map[string]int{}
	for i, claim := range c.AdditionalClaims {
		v.jwtClaim(idx(cp, i), claim, names, i)
	}
}

func (v *validator) jwtClaim(p string, c JwtClaim, names map[string]int, i int) {
	switch c.Name {
	case "":
		v.ps.Add(key(p, "name"), "is required")
	case "exp", "iss", "nbf", "iat":
		v.ps.Add(key(p, "name"), "%s is validated by default and cannot be configured (JWT-01)", c.Name)
	default:
		if j, dup := names[c.Name]; dup {
			v.ps.Add(key(p, "name"), "claim %q is already listed at [%d]", c.Name, j)
		}
		names[c.Name] = i
	}
	switch c.Format {
	case ClaimFormatSingleString, ClaimFormatStringArray, ClaimFormatSpaceSeparatedValues:
	default:
		v.ps.Add(key(p, "format"), "must be single-string, string-array or space-separated-values (JWT-01), got %q", c.Format)
	}
	vp := key(p, "values")
	if len(c.Values) < 1 || len(c.Values) > maxJWTClaimValues {
		v.ps.Add(vp, "must list 1..10 values (JWT-01), got %d", len(c.Values))
	}
	for j, value := range c.Values {
		switch {
		case utf8.RuneCountInString(value) > maxJWTClaimValueLen:
			v.ps.Add(idx(vp, j), "must be at most 256 characters (JWT-01)")
		case value == "":
			v.ps.Add(idx(vp, j), "must not be empty")
		case c.Format == ClaimFormatSpaceSeparatedValues && strings.ContainsAny(value, " \t"):
			v.ps.Add(idx(vp, j), "a space-separated-values claim's values contain no spaces (JWT-01)")
		}
	}
}

// userPools checks albatross_user_pools: valid, distinct pool ARNs, and a mapping of all four
// endpoints or none.
func (v *validator) userPools() {
	seen := map[string]int{}
	for i := range v.cfg.UserPools {
		p := idx("albatross_user_pools", i)
		up := &v.cfg.UserPools[i]
		_, id, ok := ParseUserPoolARN(up.UserPoolArn)
		if !ok {
			v.ps.Add(key(p, "user_pool_arn"), "must be a user pool ARN arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>, got %q", up.UserPoolArn)
		} else if j, dup := seen[id]; dup {
			v.ps.Add(key(p, "user_pool_arn"), "user pool %s is already listed at [%d]", id, j)
		} else {
			seen[id] = i
		}
		endpoints := []struct{ name, value string }{{"issuer", up.Issuer}, {"authorization_endpoint", up.AuthorizationEndpoint},
			{"token_endpoint", up.TokenEndpoint}, {"user_info_endpoint", up.UserInfoEndpoint}}
		set := 0
		for _, e := range endpoints {
			if e.value != "" {
				set++
			}
		}
		v.poolUsers(p, up, set > 0)
		if set == 0 {
			if up.ClientID != "" {
				v.ps.Add(key(p, "client_id"), "only applies to a pool mapped to another provider (set issuer and the endpoints)")
			}
			continue
		}
		for _, e := range endpoints {
			v.httpsURL(key(p, e.name), e.value)
		}
	}
}

// poolUsers checks the users of a pool Albatross stands in for.
func (v *validator) poolUsers(p string, up *UserPool, mapped bool) {
	if len(up.Users) > 0 && mapped {
		v.ps.Add(key(p, "users"), "a pool is either mapped to another provider or stood in for by Albatross with users, not both")
	}
	names := map[string]int{}
	for i, u := range up.Users {
		up := idx(key(p, "users"), i)
		switch j, dup := names[u.Username]; {
		case u.Username == "":
			v.ps.Add(key(up, "username"), "is required")
		case dup:
			v.ps.Add(key(up, "username"), "user %q is already listed at [%d]", u.Username, j)
		default:
			names[u.Username] = i
		}
		if u.Password == "" {
			v.ps.Add(key(up, "password"), "is required")
		}
	}
}
