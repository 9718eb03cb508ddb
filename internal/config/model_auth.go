package config

// Authentication action types (ACT-01): they run before the routing action, on HTTPS listeners
// only.
const (
	ActionAuthenticateOIDC    = "authenticate-oidc"
	ActionAuthenticateCognito = "authenticate-cognito"
	ActionJWTValidation       = "jwt-validation"
)

// OnUnauthenticatedRequest values (AUTH-01).
const (
	UnauthenticatedAuthenticate = "authenticate"
	UnauthenticatedDeny         = "deny"
	UnauthenticatedAllow        = "allow"
)

// Defaults of the authenticate actions (AUTH-01).
const (
	DefaultSessionCookieName = "AWSELBAuthSessionCookie"
	DefaultSessionTimeout    = 604800
	DefaultAuthScope         = "openid"
)

// AuthenticateOidcConfig is the AuthenticateOidcConfig of the ELBv2 API (AUTH-01..04): an OpenID
// Connect provider the load balancer signs users in with.
type AuthenticateOidcConfig struct {
	// Issuer, AuthorizationEndpoint, TokenEndpoint and UserInfoEndpoint are full https URLs.
	Issuer                string `yaml:"issuer"`
	AuthorizationEndpoint string `yaml:"authorization_endpoint"`
	TokenEndpoint         string `yaml:"token_endpoint"`
	UserInfoEndpoint      string `yaml:"user_info_endpoint"`
	ClientID              string `yaml:"client_id"`
	// ClientSecret is required unless UseExistingClientSecret is true.
	ClientSecret string `yaml:"client_secret"`
	// UseExistingClientSecret keeps the secret the rule already has (ModifyRule, ModifyListener).
	// nil means false.
	UseExistingClientSecret *bool `yaml:"use_existing_client_secret"`
	AuthSession             `yaml:",inline"`
}

// AuthenticateCognitoConfig is the AuthenticateCognitoConfig of the ELBv2 API: sign-in through an
// Amazon Cognito user pool's hosted UI (its OpenID endpoints, derived from the domain).
type AuthenticateCognitoConfig struct {
	// UserPoolArn is arn:aws:cognito-idp:<region>:<account>:userpool/<region>_<id>.
	UserPoolArn      string `yaml:"user_pool_arn"`
	UserPoolClientID string `yaml:"user_pool_client_id"`
	// UserPoolDomain is the hosted UI's domain prefix (<prefix>.auth.<region>.amazoncognito.com)
	// or a custom domain name.
	UserPoolDomain string `yaml:"user_pool_domain"`
	AuthSession    `yaml:",inline"`
}

// AuthSession holds the settings both authenticate actions share.
type AuthSession struct {
	// SessionCookieName names the session cookie. Empty means AWSELBAuthSessionCookie.
	SessionCookieName string `yaml:"session_cookie_name"`
	// Scope is the space-separated scopes requested. Empty means "openid".
	Scope string `yaml:"scope"`
	// SessionTimeout is the session's maximum duration in seconds, 1..604800. nil means 604800.
	SessionTimeout *int64 `yaml:"session_timeout"`
	// AuthenticationRequestExtraParams are up to 10 query parameters added to the redirect to the
	// authorization endpoint.
	AuthenticationRequestExtraParams map[string]string `yaml:"authentication_request_extra_params"`
	// OnUnauthenticatedRequest is authenticate, deny or allow. Empty means authenticate.
	OnUnauthenticatedRequest string `yaml:"on_unauthenticated_request"`
}

// EffectiveSessionCookieName is the session cookie's name in force.
func (s AuthSession) EffectiveSessionCookieName() string {
	return orDefault(s.SessionCookieName, DefaultSessionCookieName)
}

// EffectiveScope is the scope in force.
func (s AuthSession) EffectiveScope() string { return orDefault(s.Scope, DefaultAuthScope) }

// EffectiveSessionTimeout is the session timeout in seconds in force.
func (s AuthSession) EffectiveSessionTimeout() int64 {
	if s.SessionTimeout == nil {
		return DefaultSessionTimeout
	}
	return *s.SessionTimeout
}

// EffectiveOnUnauthenticatedRequest is the unauthenticated behaviour in force.
func (s AuthSession) EffectiveOnUnauthenticatedRequest() string {
	return orDefault(s.OnUnauthenticatedRequest, UnauthenticatedAuthenticate)
}

// JWT claim formats of JwtValidationActionAdditionalClaim (JWT-01).
const (
	ClaimFormatSingleString         = "single-string"
	ClaimFormatStringArray          = "string-array"
	ClaimFormatSpaceSeparatedValues = "space-separated-values"
)

// JwtValidationConfig is the JwtValidationConfig of the ELBv2 API (JWT-01, JWT-02): bearer tokens
// checked against a JSON Web Key Set.
type JwtValidationConfig struct {
	// JwksEndpoint is the full https URL of the key set, at most 256 characters.
	JwksEndpoint string `yaml:"jwks_endpoint"`
	// Issuer must equal the token's iss claim; at most 256 characters.
	Issuer string `yaml:"issuer"`
	// AdditionalClaims are up to 10 more claims the token must carry.
	AdditionalClaims []JwtClaim `yaml:"additional_claims"`
}

// JwtClaim is one JwtValidationActionAdditionalClaim: the token's claim Name must hold one of
// Values (single-string) or contain them (string-array, space-separated-values).
type JwtClaim struct {
	Format string   `yaml:"format"`
	Name   string   `yaml:"name"`
	Values []string `yaml:"values"`
}

// IsAuthAction reports whether t is one of the authentication action types.
func IsAuthAction(t string) bool {
	return t == ActionAuthenticateOIDC || t == ActionAuthenticateCognito || t == ActionJWTValidation
}

// UserPool is Albatross's own setting for one Cognito user pool (albatross_user_pools[]): the
// app client's secret, which ALB reads from Cognito and Albatross cannot, and optionally another
// OpenID provider that stands in for the pool, so that a template with Cognito sign-in runs
// against a local provider.
type UserPool struct {
	// UserPoolArn names the pool, as authenticate_cognito_config.user_pool_arn does (pools are
	// matched by their ID; Region and account are not compared).
	UserPoolArn string `yaml:"user_pool_arn"`
	// ClientSecret is the app client's secret. Empty means a client without one.
	ClientSecret string `yaml:"client_secret"`
	// Issuer, AuthorizationEndpoint, TokenEndpoint and UserInfoEndpoint map the pool to another
	// OpenID provider: all four or none (none: the pool's own Cognito endpoints).
	Issuer                string `yaml:"issuer"`
	AuthorizationEndpoint string `yaml:"authorization_endpoint"`
	TokenEndpoint         string `yaml:"token_endpoint"`
	UserInfoEndpoint      string `yaml:"user_info_endpoint"`
	// ClientID, when set, replaces the action's user_pool_client_id at the mapped provider.
	ClientID string `yaml:"client_id"`
	// Users make Albatross itself stand in for the pool: its own sign-in page checks them, and
	// their claims reach targets. Not together with a mapping to another provider.
	Users []UserPoolUser `yaml:"users"`
}

// UserPoolUser is a user of a pool Albatross stands in for.
type UserPoolUser struct {
	Username string `yaml:"username"`
	// Password is compared as written; this is for local work, not for guarding anything.
	Password string `yaml:"password"`
	// Sub is the user's subject. Empty means the username.
	Sub string `yaml:"sub"`
	// Claims are added to sub and username in x-amzn-oidc-data (e.g. email, cognito:groups).
	Claims map[string]any `yaml:"claims"`
}

// EffectiveSub is the user's subject in force.
func (u UserPoolUser) EffectiveSub() string { return orDefault(u.Sub, u.Username) }

// Mapped reports whether the pool is mapped to another OpenID provider.
func (p *UserPool) Mapped() bool { return p.Issuer != "" }

// LookupUserPool returns the albatross_user_pools entry for a user pool ARN, matched by pool ID.
func (c *Config) LookupUserPool(arn string) (*UserPool, bool) {
	_, id, ok := ParseUserPoolARN(arn)
	if !ok {
		return nil, false
	}
	for i := range c.UserPools {
		if _, other, ok := ParseUserPoolARN(c.UserPools[i].UserPoolArn); ok && other == id {
			return &c.UserPools[i], true
		}
	}
	return nil, false
}
