package terraform

import (
	"reflect"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestAuthActions: the provider's authenticate_oidc, authenticate_cognito and jwt_validation
// blocks become the model's authentication actions, with the same fields the CloudFormation
// importer fills from AuthenticateOidcConfig, AuthenticateCognitoConfig and JwtValidationConfig.
// Actions without order take their position, as the provider sends them, so that the result
// passes the same validation as Albatross YAML (ACT-01: one authentication action before the
// routing action, HTTPS listeners only).
func TestAuthActions(t *testing.T) {
	t.Parallel()
	const certARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	const poolARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"
	dir := writeModule(t, map[string]string{"main.tf": `
resource "aws_lb" "main" { name = "main" }
resource "aws_lb_target_group" "app" {
  name        = "app"
  target_type = "ip"
  port        = 8080
  protocol    = "HTTP"
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  protocol          = "HTTPS"
  certificate_arn   = "` + certARN + `"
  default_action {
    type = "authenticate-oidc"
    authenticate_oidc {
      issuer                 = "https://idp.example.com"
      authorization_endpoint = "https://idp.example.com/authorize"
      token_endpoint         = "https://idp.example.com/token"
      user_info_endpoint     = "https://idp.example.com/userinfo"
      client_id              = "web"
      client_secret          = "s3cret"
      scope                  = "openid email"
      session_cookie_name    = "Session"
      session_timeout        = 3600
      on_unauthenticated_request = "deny"
      authentication_request_extra_params = {
        prompt = "login"
      }
    }
  }
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
resource "aws_cognito_user_pool" "pool" { name = "users" }
resource "aws_cognito_user_pool_client" "client" {
  name         = "web"
  user_pool_id = aws_cognito_user_pool.pool.id
}
resource "aws_cognito_user_pool_domain" "domain" {
  domain       = "tickets"
  user_pool_id = aws_cognito_user_pool.pool.id
}
resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10
  action {
    type = "authenticate-cognito"
    authenticate_cognito {
      user_pool_arn       = aws_cognito_user_pool.pool.arn
      user_pool_client_id = aws_cognito_user_pool_client.client.id
      user_pool_domain    = aws_cognito_user_pool_domain.domain.domain
      session_timeout     = 0
    }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
  condition {
    path_pattern { values = ["/admin/*"] }
  }
}
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 20
  action {
    type  = "jwt-validation"
    order = 5
    jwt_validation {
      issuer        = "https://idp.example.com"
      jwks_endpoint = "https://idp.example.com/.well-known/jwks.json"
      additional_claim {
        format = "string-array"
        name   = "groups"
        values = ["admin", "ops"]
      }
      additional_claim {
        format = "space-separated-values"
        name   = "scope"
        values = ["read"]
      }
    }
  }
  action {
    type             = "forward"
    order            = 6
    target_group_arn = aws_lb_target_group.app.arn
  }
  condition {
    path_pattern { values = ["/api/*"] }
  }
}
`})
	vals := loadValues(t, dir, `values:
  "attr:`+certARN+`.certificate_file": site.pem
  "attr:`+certARN+`.private_key_file": site.key
  attr:aws_cognito_user_pool.pool.arn: `+poolARN+`
  attr:aws_cognito_user_pool_client.client.id: 1example23456789
`)
	cfg, err := Load(dir, Options{Values: vals, CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	timeout := int64(3600)
	l := cfg.LoadBalancers[0].Listeners[0]
	wantDefault := []config.Action{
		{Type: config.ActionAuthenticateOIDC, Order: 1, AuthenticateOidcConfig: &config.AuthenticateOidcConfig{
			Issuer:                "https://idp.example.com",
			AuthorizationEndpoint: "https://idp.example.com/authorize",
			TokenEndpoint:         "https://idp.example.com/token",
			UserInfoEndpoint:      "https://idp.example.com/userinfo",
			ClientID:              "web",
			ClientSecret:          "s3cret",
			AuthSession: config.AuthSession{SessionCookieName: "Session", Scope: "openid email", SessionTimeout: &timeout,
				OnUnauthenticatedRequest: "deny", AuthenticationRequestExtraParams: map[string]string{"prompt": "login"}},
		}},
		{Type: config.ActionForward, Order: 2, TargetGroupName: "app"},
	}
	if !reflect.DeepEqual(l.DefaultActions, wantDefault) {
		t.Errorf("default actions =\n%+v\nwant\n%+v", l.DefaultActions, wantDefault)
	}
	rules := map[int][]config.Action{}
	for _, r := range l.Rules {
		rules[r.Priority] = r.Actions
	}
	wantCognito := []config.Action{
		{Type: config.ActionAuthenticateCognito, Order: 1, AuthenticateCognitoConfig: &config.AuthenticateCognitoConfig{
			UserPoolArn: poolARN, UserPoolClientID: "1example23456789", UserPoolDomain: "tickets"}},
		{Type: config.ActionForward, Order: 2, TargetGroupName: "app"},
	}
	if !reflect.DeepEqual(rules[10], wantCognito) {
		t.Errorf("cognito rule actions =\n%+v\nwant\n%+v", rules[10], wantCognito)
	}
	wantJWT := []config.Action{
		{Type: config.ActionJWTValidation, Order: 5, JwtValidationConfig: &config.JwtValidationConfig{
			Issuer: "https://idp.example.com", JwksEndpoint: "https://idp.example.com/.well-known/jwks.json",
			AdditionalClaims: []config.JwtClaim{
				{Format: config.ClaimFormatStringArray, Name: "groups", Values: []string{"admin", "ops"}},
				{Format: config.ClaimFormatSpaceSeparatedValues, Name: "scope", Values: []string{"read"}},
			}}},
		{Type: config.ActionForward, Order: 6, TargetGroupName: "app"},
	}
	if !reflect.DeepEqual(rules[20], wantJWT) {
		t.Errorf("jwt rule actions =\n%+v\nwant\n%+v", rules[20], wantJWT)
	}
	// Validate does not read the certificate files (the file check at load does), so the whole
	// configuration must pass.
	if err := cfg.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}
