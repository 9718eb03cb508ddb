package reconcile

import (
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/auth"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/elberr"
)

// guard puts a list's authentication action, if any, in front of its routing action (ACT-01).
func (b *builder) guard(lb *config.LoadBalancer, acts []config.Action, routing action.Handler, serverHeader bool) action.Handler {
	for i := range acts {
		a := &acts[i]
		if !config.IsAuthAction(a.Type) {
			continue
		}
		h, err := b.authAction(lb, a, routing, serverHeader)
		if err != nil {
			b.dp.log.Error("authentication action unusable; its requests get 500", "type", a.Type, "error", err)
			return failing{err}
		}
		return h
	}
	return routing
}

func (b *builder) authAction(lb *config.LoadBalancer, a *config.Action, next action.Handler, serverHeader bool) (action.Handler, error) {
	keys, err := auth.NewKeys(b.dp.stickyKey)
	if err != nil {
		return nil, err
	}
	if a.Type == config.ActionJWTValidation {
		return jwtValidation(a.JwtValidationConfig, next), nil
	}
	var o auth.Options
	switch a.Type {
	case config.ActionAuthenticateOIDC:
		c := a.AuthenticateOidcConfig
		o.Provider = auth.Provider{Issuer: c.Issuer, AuthorizationEndpoint: c.AuthorizationEndpoint, TokenEndpoint: c.TokenEndpoint,
			UserInfoEndpoint: c.UserInfoEndpoint, ClientID: c.ClientID, ClientSecret: c.ClientSecret}
		err = sessionOptions(&o, &c.AuthSession)
	case config.ActionAuthenticateCognito:
		c := a.AuthenticateCognitoConfig
		o.Provider = cognitoProvider(b.cfg, c)
		o.LocalUsers = standInUsers(b.cfg, c)
		err = sessionOptions(&o, &c.AuthSession)
	}
	if err != nil {
		return nil, err
	}
	o.Signer = b.cfg.LoadBalancerARN(lb.Name)
	o.DNSName = dnsName(b.cfg, lb.Name)
	o.Keys = keys
	o.ServerHeader = serverHeader
	return auth.NewAuthenticator(o, next)
}

func sessionOptions(o *auth.Options, s *config.AuthSession) error {
	var err error
	o.OnUnauthenticated, err = auth.ParseUnauthenticated(s.OnUnauthenticatedRequest)
	o.Scope = s.EffectiveScope()
	o.SessionCookieName = s.EffectiveSessionCookieName()
	o.SessionTimeout = time.Duration(s.EffectiveSessionTimeout()) * time.Second
	o.ExtraParams = s.AuthenticationRequestExtraParams
	return err
}

// AuthPublicKeysHandler serves the public keys that verify x-amzn-oidc-data, by kid (AUTH-03):
// mount it at /auth/public-keys/ with that prefix stripped. The keys derive from the stickiness
// key, so they are the same across restarts with the same data directory.
func (dp *DataPlane) AuthPublicKeysHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys, err := auth.NewKeys(dp.stickyKey)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		keys.PublicKeyHandler().ServeHTTP(w, r)
	})
}

// failing answers every request with 500 AuthUnhandledException: an authentication action that
// could not be built must not let requests through unauthenticated.
type failing struct{ err error }

func (f failing) ServeHTTP(http.ResponseWriter, *http.Request) error {
	return &elberr.Error{Status: http.StatusInternalServerError, Reason: "AuthUnhandledException", Source: elberr.SourceLoadBalancer, Err: f.err}
}

func jwtValidation(c *config.JwtValidationConfig, next action.Handler) action.Handler {
	o := auth.JWTOptions{JWKSEndpoint: c.JwksEndpoint, Issuer: c.Issuer}
	for _, claim := range c.AdditionalClaims {
		o.Claims = append(o.Claims, auth.ClaimRule{Name: claim.Name, Format: claim.Format, Values: claim.Values})
	}
	return auth.NewJWTValidator(o, next)
}

// cognitoProvider is the user pool's OpenID provider: its Cognito endpoints, or the provider
// albatross_user_pools maps it to. ALB reads the app client's secret from Cognito; Albatross
// takes it from albatross_user_pools (none when the pool is not listed there).
func cognitoProvider(cfg *config.Config, c *config.AuthenticateCognitoConfig) auth.Provider {
	region, pool, _ := config.ParseUserPoolARN(c.UserPoolArn)
	p := auth.CognitoProvider(region, pool, c.UserPoolDomain, c.UserPoolClientID, "")
	up, ok := cfg.LookupUserPool(c.UserPoolArn)
	if !ok {
		return p
	}
	p.ClientSecret = up.ClientSecret
	if up.Mapped() {
		p.Issuer, p.AuthorizationEndpoint, p.TokenEndpoint, p.UserInfoEndpoint = up.Issuer, up.AuthorizationEndpoint, up.TokenEndpoint, up.UserInfoEndpoint
		if up.ClientID != "" {
			p.ClientID = up.ClientID
		}
	}
	return p
}

// standInUsers are the users of a pool Albatross stands in for (albatross_user_pools[].users),
// nil when the pool is not stood in for.
func standInUsers(cfg *config.Config, c *config.AuthenticateCognitoConfig) map[string]auth.LocalUser {
	up, ok := cfg.LookupUserPool(c.UserPoolArn)
	if !ok || len(up.Users) == 0 {
		return nil
	}
	users := make(map[string]auth.LocalUser, len(up.Users))
	for _, u := range up.Users {
		users[u.Username] = auth.LocalUser{Password: u.Password, Subject: u.EffectiveSub(), Claims: u.Claims}
	}
	return users
}
