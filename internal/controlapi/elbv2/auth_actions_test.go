package elbv2

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
)

func sdkClient(url string) *elb.Client {
	return elb.New(elb.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

// TestAuthActionsFromSDK: the three authentication configs as aws-sdk-go-v2 serializes them
// decode into the config model (ACT-01, AUTH-01, JWT-01).
func TestAuthActionsFromSDK(t *testing.T) {
	t.Parallel()
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(body))
		http.Error(w, "", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, _ = sdkClient(srv.URL).CreateRule(context.Background(), &elb.CreateRuleInput{
		ListenerArn: aws.String("arn"), Priority: aws.Int32(1),
		Conditions: []types.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/*"}}},
		Actions: []types.Action{
			{Type: types.ActionTypeEnumAuthenticateOidc, Order: aws.Int32(1), AuthenticateOidcConfig: &types.AuthenticateOidcActionConfig{
				Issuer: aws.String("https://idp"), AuthorizationEndpoint: aws.String("https://idp/a"), TokenEndpoint: aws.String("https://idp/t"),
				UserInfoEndpoint: aws.String("https://idp/u"), ClientId: aws.String("c"), ClientSecret: aws.String("s"),
				SessionCookieName: aws.String("n"), Scope: aws.String("openid email"), SessionTimeout: aws.Int64(60),
				AuthenticationRequestExtraParams: map[string]string{"prompt": "login", "display": "page"},
				OnUnauthenticatedRequest:         types.AuthenticateOidcActionConditionalBehaviorEnumDeny, UseExistingClientSecret: aws.Bool(true)}},
			{Type: types.ActionTypeEnumAuthenticateCognito, Order: aws.Int32(2), AuthenticateCognitoConfig: &types.AuthenticateCognitoActionConfig{
				UserPoolArn: aws.String("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X"), UserPoolClientId: aws.String("pc"),
				UserPoolDomain: aws.String("dom"), OnUnauthenticatedRequest: types.AuthenticateCognitoActionConditionalBehaviorEnumAllow}},
			{Type: types.ActionTypeEnumJwtValidation, Order: aws.Int32(3), JwtValidationConfig: &types.JwtValidationActionConfig{
				JwksEndpoint: aws.String("https://idp/jwks"), Issuer: aws.String("https://idp"),
				AdditionalClaims: []types.JwtValidationActionAdditionalClaim{{Format: types.JwtValidationActionAdditionalClaimFormatEnumSpaceSeparatedValues,
					Name: aws.String("scope"), Values: []string{"read", "write"}}}}},
		},
	})
	if form == nil {
		t.Fatal("the SDK sent nothing")
	}
	got, err := parseActions(controlapi.NewForm(form), "Actions")
	if err != nil {
		t.Fatal(err)
	}
	yes, timeout := true, int64(60)
	want := []config.Action{
		{Type: "authenticate-oidc", Order: 1, AuthenticateOidcConfig: &config.AuthenticateOidcConfig{Issuer: "https://idp",
			AuthorizationEndpoint: "https://idp/a", TokenEndpoint: "https://idp/t", UserInfoEndpoint: "https://idp/u", ClientID: "c",
			ClientSecret: "s", UseExistingClientSecret: &yes, AuthSession: config.AuthSession{SessionCookieName: "n", Scope: "openid email",
				SessionTimeout: &timeout, AuthenticationRequestExtraParams: map[string]string{"prompt": "login", "display": "page"},
				OnUnauthenticatedRequest: "deny"}}},
		{Type: "authenticate-cognito", Order: 2, AuthenticateCognitoConfig: &config.AuthenticateCognitoConfig{
			UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X", UserPoolClientID: "pc", UserPoolDomain: "dom",
			AuthSession: config.AuthSession{OnUnauthenticatedRequest: "allow"}}},
		{Type: "jwt-validation", Order: 3, JwtValidationConfig: &config.JwtValidationConfig{JwksEndpoint: "https://idp/jwks", Issuer: "https://idp",
			AdditionalClaims: []config.JwtClaim{{Format: "space-separated-values", Name: "scope", Values: []string{"read", "write"}}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n%#v\nwant\n%#v", got, want)
	}
}

// TestDescribeAuthActions: DescribeRules reports authentication actions with AWS's defaults,
// and never the client secret, as aws-sdk-go-v2 reads them.
func TestDescribeAuthActions(t *testing.T) {
	t.Parallel()
	cfg, err := config.Decode(strings.NewReader(`
load_balancers:
  - name: web
    listeners:
      - port: 8443
        protocol: HTTPS
        certificates: [{certificate_file: c.pem, private_key_file: k.pem}]
        default_actions:
          - {type: jwt-validation, order: 1, jwt_validation_config: {jwks_endpoint: "https://idp/jwks", issuer: "https://idp",
             additional_claims: [{name: groups, format: string-array, values: [admin]}]}}
          - {type: forward, order: 2, target_group_name: site}
        rules:
          - priority: 5
            conditions: [{field: path-pattern, values: ["/*"]}]
            actions:
              - type: authenticate-oidc
                order: 1
                authenticate_oidc_config: {issuer: "https://idp", authorization_endpoint: "https://idp/a", token_endpoint: "https://idp/t",
                  user_info_endpoint: "https://idp/u", client_id: c, client_secret: s3cret, authentication_request_extra_params: {prompt: login}}
              - {type: forward, order: 2, target_group_name: site}
target_groups:
  - {name: site, port: 8081, targets: [{id: 127.0.0.1}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	api := newTestAPI(t, cfg)
	srv := httptest.NewServer(api.h)
	defer srv.Close()
	out, err := sdkClient(srv.URL).DescribeRules(context.Background(), &elb.DescribeRulesInput{ListenerArn: aws.String(cfg.ListenerARN("web", "", 8443))})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rules) != 2 {
		t.Fatalf("%d rules", len(out.Rules))
	}
	oidc := out.Rules[0].Actions[0]
	c := oidc.AuthenticateOidcConfig
	if oidc.Type != types.ActionTypeEnumAuthenticateOidc || c == nil || aws.ToInt32(oidc.Order) != 1 {
		t.Fatalf("first action %+v", oidc)
	}
	if aws.ToString(c.ClientId) != "c" || c.ClientSecret != nil || aws.ToString(c.SessionCookieName) != "AWSELBAuthSessionCookie" ||
		aws.ToString(c.Scope) != "openid" || aws.ToInt64(c.SessionTimeout) != 604800 || c.OnUnauthenticatedRequest != "authenticate" ||
		c.AuthenticationRequestExtraParams["prompt"] != "login" {
		t.Errorf("oidc config %+v", c)
	}
	jwt := out.Rules[1].Actions[0].JwtValidationConfig
	if jwt == nil || aws.ToString(jwt.JwksEndpoint) != "https://idp/jwks" || len(jwt.AdditionalClaims) != 1 ||
		jwt.AdditionalClaims[0].Format != "string-array" || jwt.AdditionalClaims[0].Values[0] != "admin" {
		t.Errorf("default rule's jwt config %+v", jwt)
	}
}

// TestKeepClientSecret: UseExistingClientSecret keeps the secret of the action replaced.
func TestKeepClientSecret(t *testing.T) {
	t.Parallel()
	yes := true
	old := []config.Action{{Type: "authenticate-oidc", AuthenticateOidcConfig: &config.AuthenticateOidcConfig{ClientSecret: "old"}}}
	updated := []config.Action{{Type: "authenticate-oidc", AuthenticateOidcConfig: &config.AuthenticateOidcConfig{UseExistingClientSecret: &yes}}}
	keepClientSecrets(old, updated)
	if updated[0].AuthenticateOidcConfig.ClientSecret != "old" {
		t.Error("secret not kept")
	}
}
