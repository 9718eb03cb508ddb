package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/auth/authtest"
)

// TestCognitoMappedToLocalProvider: an authenticate-cognito rule, as a template would have it,
// runs offline when albatross_user_pools maps its user pool to a local OpenID provider; a
// browser-like client signs in and the target gets the user's claims.
func TestCognitoMappedToLocalProvider(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	op := authtest.StartOP(t, nil, fmt.Sprintf("https://127.0.0.1:%d/oauth2/idpresponse", port))
	backend := startBackend(t, "app", nil)
	cert, key := selfSigned(t)
	const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123"
	// albatross trusts the provider's certificate
	inst := startEnv(t, []string{"SSL_CERT_FILE=" + op.CAFile}, nil, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        protocol: HTTPS
        address: 127.0.0.1
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions:
          - type: authenticate-cognito
            order: 1
            authenticate_cognito_config: {user_pool_arn: "%s", user_pool_client_id: 4example, user_pool_domain: myapp}
          - {type: forward, order: 2, target_group_name: app}
target_groups:
  - {name: app, port: %d, targets: [{id: 127.0.0.1}]}
albatross_user_pools:
  - user_pool_arn: "%s"
    client_id: %s
    client_secret: %s
    issuer: %s
    authorization_endpoint: %s
    token_endpoint: %s
    user_info_endpoint: %s
`, port, cert, key, pool, backend.port, pool, authtest.ClientID, authtest.ClientSecret, op.Issuer,
		op.AuthorizationEndpoint(), op.TokenEndpoint(), op.UserInfoEndpoint()), port)
	_ = inst

	browser := browserClient(t, cert, op)
	resp, err := browser.Get(fmt.Sprintf("https://127.0.0.1:%d/home", port))
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
	if err := json.Unmarshal(body, &got); err != nil || resp.Request.URL.Path != "/home" {
		t.Fatalf("after sign-in: %d at %s: %s", resp.StatusCode, resp.Request.URL, body)
	}
	if got.Header.Get("X-Amzn-Oidc-Identity") != authtest.Subject || got.Header.Get("X-Amzn-Oidc-Data") == "" {
		t.Errorf("the target's headers: %v", got.Header)
	}
}

// browserClient follows redirects with a cookie jar, trusting the listener's and the provider's
// certificates, as a browser would.
func browserClient(t *testing.T, listenerCert string, op *authtest.OP) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	files := []string{listenerCert}
	if op != nil {
		files = append(files, op.CAFile)
	}
	for _, f := range files {
		pemBytes, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pool.AppendCertsFromPEM(pemBytes)
	}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// TestCognitoStandIn: with users under albatross_user_pools, Albatross itself stands in for the
// user pool: its sign-in page, its check of the password, the configured claims for the target.
// No identity provider runs at all.
func TestCognitoStandIn(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	backend := startBackend(t, "app", nil)
	cert, key := selfSigned(t)
	const pool = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Local1"
	start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        protocol: HTTPS
        address: 127.0.0.1
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions:
          - type: authenticate-cognito
            order: 1
            authenticate_cognito_config: {user_pool_arn: "%s", user_pool_client_id: 4example, user_pool_domain: myapp}
          - {type: forward, order: 2, target_group_name: app}
target_groups:
  - {name: app, port: %d, targets: [{id: 127.0.0.1}]}
albatross_user_pools:
  - user_pool_arn: "%s"
    users:
      - username: ann
        password: correct-horse
        claims: {email: ann@example.com, "cognito:groups": [admins]}
`, port, cert, key, pool, backend.port, pool), port)

	browser := browserClient(t, cert, nil)
	base := fmt.Sprintf("https://127.0.0.1:%d", port)
	resp, err := browser.Get(base + "/orders?page=2")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="state" value="([^"]+)"`).FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("no sign-in page: %d %s", resp.StatusCode, page)
	}
	signIn := func(password string) (*http.Response, []byte) {
		resp, err := browser.PostForm(base+"/oauth2/idpresponse", url.Values{"state": {string(m[1])}, "username": {"ann"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	if resp, _ := signIn("wrong"); resp.StatusCode != 401 {
		t.Errorf("wrong password: %d, want 401 and the form again", resp.StatusCode)
	}
	resp, body := signIn("correct-horse")
	var got seen
	if err := json.Unmarshal(body, &got); err != nil || got.URI != "/orders?page=2" {
		t.Fatalf("after sign-in: %d at %s: %s", resp.StatusCode, resp.Request.URL, body)
	}
	if got.Header.Get("X-Amzn-Oidc-Identity") != "ann" {
		t.Errorf("x-amzn-oidc-identity %q", got.Header.Get("X-Amzn-Oidc-Identity"))
	}
	payload, _ := base64.URLEncoding.DecodeString(strings.Split(got.Header.Get("X-Amzn-Oidc-Data"), ".")[1])
	if !strings.Contains(string(payload), `"email":"ann@example.com"`) || !strings.Contains(string(payload), `"cognito:groups":["admins"]`) ||
		!strings.Contains(string(payload), `"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Local1"`) {
		t.Errorf("x-amzn-oidc-data claims: %s", payload)
	}
}
