// Package auth carries out the authentication actions that run before a rule's routing action
// (§3.5, §3.6): authenticate-oidc and authenticate-cognito sign users in through an OpenID
// provider with the authorization-code flow and keep them signed in with a sealed session cookie;
// jwt-validation checks a bearer token against a JSON Web Key Set. Each is an action.Handler that
// wraps the routing action it guards.
//
// The OAuth 2.0 and OpenID Connect protocol work is golang.org/x/oauth2 and
// github.com/coreos/go-oidc/v3; sealing, keys and token checks are github.com/go-jose/go-jose/v4
// and the standard library's crypto. docs/auth.md records every decision the spec leaves open.
package auth
