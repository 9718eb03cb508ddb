package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/albatross-lb/albatross/internal/auth/authtest"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// TestAPIHTTPSListenerWithOIDC (issue 15): everything through aws-sdk-go-v2, nothing in a file.
// The certificate is a PEM pair in <data-dir>/certificates, named by the ACM-style ARN derived
// from it; an HTTPS listener gets it, and a rule signs users in with a real OpenID provider
// (zitadel/oidc's) before forwarding. A client that follows redirects lands on the provider's
// login page, signs in, comes back through /oauth2/idpresponse and the target sees the user. A
// listener naming a certificate nobody provides gets the typed CertificateNotFound error.
func TestAPIHTTPSListenerWithOIDC(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	port := freePort(t)
	op := authtest.StartOP(t, nil, fmt.Sprintf("https://127.0.0.1:%d/oauth2/idpresponse", port))
	backend := startBackend(t, "app", nil)
	certFile, keyFile := selfSigned(t)
	dataDir := t.TempDir()
	certDir := filepath.Join(dataDir, "certificates")
	if err := os.MkdirAll(certDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{certFile: "site.pem", keyFile: "site.key"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(certDir, dst), string(b))
	}
	certARN, err := tlsconf.CertificateFileARN(tlsconf.ARNOwner{}, certFile)
	if err != nil {
		t.Fatal(err)
	}

	// albatross trusts the provider's certificate
	api := startWithAPIEnv(t, []string{"SSL_CERT_FILE=" + op.CAFile}, "", dataDir)
	ctx, ec := context.Background(), api.elbClient("test", "test")
	tg := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("app"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(backend.port)), VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumInstance})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1")}}}))
	lb := need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("secure"),
		Scheme: elbtypes.LoadBalancerSchemeEnumInternal})).LoadBalancers[0]
	notFound := elbtypes.Action{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404")}}

	_, err = ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttps,
		Port: aws.Int32(int32(port)), DefaultActions: []elbtypes.Action{notFound},
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000")}}})
	var missing *elbtypes.CertificateNotFoundException
	if !errors.As(err, &missing) {
		t.Fatalf("a certificate nobody provides: %v, want CertificateNotFoundException", err)
	}
	listener := need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttps,
		Port: aws.Int32(int32(port)), DefaultActions: []elbtypes.Action{notFound},
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String(certARN)}}})).Listeners[0]
	if len(listener.Certificates) != 1 || aws.ToString(listener.Certificates[0].CertificateArn) != certARN {
		t.Errorf("the listener's certificates %+v, want %s", listener.Certificates, certARN)
	}
	need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/app/*", "/oauth2/idpresponse"}}}},
		Actions: []elbtypes.Action{
			{Type: elbtypes.ActionTypeEnumAuthenticateOidc, Order: aws.Int32(1), AuthenticateOidcConfig: &elbtypes.AuthenticateOidcActionConfig{
				Issuer: aws.String(op.Issuer), AuthorizationEndpoint: aws.String(op.AuthorizationEndpoint()),
				TokenEndpoint: aws.String(op.TokenEndpoint()), UserInfoEndpoint: aws.String(op.UserInfoEndpoint()),
				ClientId: aws.String(authtest.ClientID), ClientSecret: aws.String(authtest.ClientSecret), Scope: aws.String("openid email profile")}},
			{Type: elbtypes.ActionTypeEnumForward, Order: aws.Int32(2), TargetGroupArn: tg.TargetGroupArn},
		}}))
	api.waitPort(port)

	browser := browserClient(t, certFile, op)
	resp, err := browser.Get(fmt.Sprintf("https://127.0.0.1:%d/app/hello?x=1", port))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if !strings.HasPrefix(resp.Request.URL.String(), op.Issuer+"/login/") || id == "" {
		t.Fatalf("not at the provider's login page: %d %s", resp.StatusCode, resp.Request.URL)
	}
	resp, err = browser.PostForm(op.Issuer+"/login/username", url.Values{"id": {id}, "username": {authtest.Username}, "password": {authtest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var got seen
	if err := json.Unmarshal(body, &got); err != nil || resp.Request.URL.Path != "/app/hello" {
		t.Fatalf("after sign-in: %d at %s: %s", resp.StatusCode, resp.Request.URL, body)
	}
	if got.URI != "/app/hello?x=1" || got.Header.Get("X-Amzn-Oidc-Identity") != authtest.Subject || got.Header.Get("X-Amzn-Oidc-Data") == "" {
		t.Errorf("the target got %s with headers %v; want the original URI and the user's identity", got.URI, got.Header)
	}
}
