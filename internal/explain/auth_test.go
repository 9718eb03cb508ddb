package explain

import (
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/reconcile"
)

// TestDescribeAuthAction: explain words each authentication action with what happens to a
// request that has no session or token (AUTH-01, JWT-02).
func TestDescribeAuthAction(t *testing.T) {
	t.Parallel()
	oidc := &config.AuthenticateOidcConfig{Issuer: "https://idp", AuthorizationEndpoint: "https://idp/a", ClientID: "c"}
	deny := *oidc
	deny.OnUnauthenticatedRequest = "deny"
	testCases := []struct {
		desc string
		a    config.Action
		want []string
	}{
		{desc: "oidc authenticate", a: config.Action{Type: "authenticate-oidc", AuthenticateOidcConfig: oidc},
			want: []string{"issuer https://idp", `scope "openid"`, "AWSELBAuthSessionCookie", "302 to https://idp/a"}},
		{desc: "oidc deny", a: config.Action{Type: "authenticate-oidc", AuthenticateOidcConfig: &deny}, want: []string{"session cookie AWSELBAuthSessionCookie: 401"}},
		{desc: "cognito allow", a: config.Action{Type: "authenticate-cognito", AuthenticateCognitoConfig: &config.AuthenticateCognitoConfig{
			UserPoolArn: "arn:pool", AuthSession: config.AuthSession{OnUnauthenticatedRequest: "allow"}}},
			want: []string{"user pool arn:pool", "forwarded without user claims"}},
		{desc: "jwt", a: config.Action{Type: "jwt-validation", JwtValidationConfig: &config.JwtValidationConfig{JwksEndpoint: "https://idp/jwks", Issuer: "https://idp"}},
			want: []string{"RS256 with a key from https://idp/jwks", "otherwise 401"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := describeAuthAction(&tc.a)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
	acts := []config.Action{{Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: oidc}, {Type: "forward", Order: 2, TargetGroupName: "x"}}
	if a := authAction(acts); a == nil || a.Type != "authenticate-oidc" || reconcile.RoutingAction(acts).Type != "forward" {
		t.Error("explain picks the wrong actions")
	}
}
