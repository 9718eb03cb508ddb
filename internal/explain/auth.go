package explain

import (
	"fmt"

	"github.com/albatross-lb/albatross/internal/config"
)

// authAction is a list's authentication action, nil for none (ACT-01: at most one).
func authAction(acts []config.Action) *config.Action {
	for i := range acts {
		if config.IsAuthAction(acts[i].Type) {
			a := acts[i]
			return &a
		}
	}
	return nil
}

// describeAuthAction words an authentication action in one line: who it trusts and what
// happens to a request without a session or token.
func describeAuthAction(a *config.Action) string {
	switch {
	case a.AuthenticateOidcConfig != nil:
		c := a.AuthenticateOidcConfig
		return fmt.Sprintf("authenticate-oidc with issuer %s, client %s, scope %q; without a session cookie %s: %s",
			c.Issuer, c.ClientID, c.EffectiveScope(), c.EffectiveSessionCookieName(), unauthenticatedWords(&c.AuthSession, c.AuthorizationEndpoint))
	case a.AuthenticateCognitoConfig != nil:
		c := a.AuthenticateCognitoConfig
		return fmt.Sprintf("authenticate-cognito with user pool %s, client %s, domain %s, scope %q; without a session cookie %s: %s",
			c.UserPoolArn, c.UserPoolClientID, c.UserPoolDomain, c.EffectiveScope(), c.EffectiveSessionCookieName(),
			unauthenticatedWords(&c.AuthSession, "the user pool's hosted UI"))
	case a.JwtValidationConfig != nil:
		c := a.JwtValidationConfig
		return fmt.Sprintf("jwt-validation of the bearer token: RS256 with a key from %s, issuer %s, %d additional claims; otherwise 401",
			c.JwksEndpoint, c.Issuer, len(c.AdditionalClaims))
	}
	return a.Type
}

func unauthenticatedWords(s *config.AuthSession, endpoint string) string {
	switch s.EffectiveOnUnauthenticatedRequest() {
	case config.UnauthenticatedDeny:
		return "401"
	case config.UnauthenticatedAllow:
		return "forwarded without user claims"
	}
	return "302 to " + endpoint + " to sign in"
}
