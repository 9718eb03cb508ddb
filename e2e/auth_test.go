package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/albatross-lb/albatross/internal/auth/authtest"
)

// authConfig is an HTTPS listener whose rule for /app/* signs users in with the OpenID
// provider before forwarding to the echo backend.
func authConfig(op *authtest.OP, port, backend int, cert, key string) string {
	return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        protocol: HTTPS
        address: 127.0.0.1
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - priority: 10
            conditions: [{field: path-pattern, values: ["/app/*", "/oauth2/idpresponse"]}]
            actions:
              - type: authenticate-oidc
                order: 1
                authenticate_oidc_config:
                  issuer: %s
                  authorization_endpoint: %s
                  token_endpoint: %s
                  user_info_endpoint: %s
                  client_id: %s
                  client_secret: %s
                  scope: openid email profile
              - {type: forward, order: 2, target_group_name: app}
target_groups:
  - name: app
    port: %d
    targets: [{id: 127.0.0.1}]
`, port, cert, key, op.Issuer, op.AuthorizationEndpoint(), op.TokenEndpoint(), op.UserInfoEndpoint(),
		authtest.ClientID, authtest.ClientSecret, backend)
}

// chromiumPath finds Debian's chromium (scripts/install-test-deps.sh installs it).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (scripts/install-test-deps.sh installs it)")
	return ""
}

// TestOIDCSignInWithChromium is AUTH-01..03 end to end: headless Chromium asks for a page behind
// authenticate-oidc, is redirected to a real OpenID provider (zitadel/oidc's), signs in on its
// login page, comes back through /oauth2/idpresponse and sees the page; the target received the
// user's claims in x-amzn-oidc-data, signed with the key the API serves by kid.
func TestOIDCSignInWithChromium(t *testing.T) {
	t.Parallel()
	bin := chromiumPath(t)
	port := freePort(t)
	op := authtest.StartOP(t, nil, fmt.Sprintf("https://127.0.0.1:%d/oauth2/idpresponse", port))
	backend := startBackend(t, "app", nil)
	cert, key := selfSigned(t)
	// albatross trusts the provider's certificate
	inst := startWithAPIEnv(t, []string{"SSL_CERT_FILE=" + op.CAFile}, authConfig(op, port, backend.port, cert, key), "")
	inst.waitPort(port)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Flag("ignore-certificate-errors", true))...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	err := chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("https://127.0.0.1:%d/app/hello?x=1", port)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
	)
	if err != nil {
		t.Fatalf("Chromium never reached a login page: %v", err)
	}
	loginURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#username`), authtest.Username),
		chromedp.SendKeys(chromedp.CSS(`#password`), authtest.Password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("sign-in in Chromium: %v", err)
	}
	body := pageTextAt(ctx, t, "/app/hello")
	if !strings.HasPrefix(loginURL, op.Issuer+"/login/") {
		t.Errorf("the browser was not sent to the provider's login page: %s", loginURL)
	}
	var got seen
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("target's echo: %v\n%s", err, body)
	}
	if got.URI != "/app/hello?x=1" {
		t.Errorf("after sign-in the target got %q, want the original /app/hello?x=1", got.URI)
	}
	if id := got.Header.Get("X-Amzn-Oidc-Identity"); id != authtest.Subject {
		t.Errorf("x-amzn-oidc-identity = %q, want %q", id, authtest.Subject)
	}
	if got.Header.Get("X-Amzn-Oidc-Accesstoken") == "" {
		t.Error("no x-amzn-oidc-accesstoken")
	}
	header, claims := verifyOIDCData(t, inst.apiURL, got.Header.Get("X-Amzn-Oidc-Data"))
	if header["iss"] != op.Issuer || header["client"] != authtest.ClientID || header["alg"] != "ES256" ||
		!strings.HasPrefix(fmt.Sprint(header["signer"]), "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/") {
		t.Errorf("x-amzn-oidc-data header = %v", header)
	}
	if claims["sub"] != authtest.Subject || claims["email"] != authtest.Email || claims["iss"] != op.Issuer {
		t.Errorf("x-amzn-oidc-data claims = %v", claims)
	}
	// §9.3: the sign-in was counted.
	eventually(t, "ELBAuthSuccess counted", func() error {
		_, metrics := httpGet(t, inst.apiURL+"/metrics")
		if !strings.Contains(metrics, `alb_elb_auth_success_total{`) || !strings.Contains(metrics, `load_balancer="app/web/`) {
			return fmt.Errorf("no alb_elb_auth_success_total in /metrics")
		}
		return nil
	})
}

// pageTextAt waits, through the redirects that follow the sign-in, until the browser shows path,
// and returns the page's text. Queries fail while a navigation replaces the page: they are retried.
func pageTextAt(ctx context.Context, t *testing.T, path string) string {
	t.Helper()
	var last error
	for ctx.Err() == nil {
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`location.pathname === `+strconv.Quote(path)+` && document.readyState === "complete" ? document.body.innerText : ""`))
		if err == nil && text != "" {
			return text
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser never showed %s: %v", path, last)
	return ""
}

// verifyOIDCData checks x-amzn-oidc-data as a target on AWS does: split it, fetch the public key
// named by kid, verify the ES256 signature over the padded segments (AUTH-03).
func verifyOIDCData(t *testing.T, apiURL, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("x-amzn-oidc-data has %d segments: %q", len(parts), token)
	}
	for i, p := range parts {
		if len(p)%4 != 0 {
			t.Errorf("segment %d is not padded base64url (AUTH-03): %q", i, p)
		}
	}
	decode := func(s string, v any) {
		b, err := base64.URLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("segment %q: %v", s, err)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("segment %s: %v", b, err)
			}
		}
	}
	decode(parts[0], &header)
	decode(parts[1], &claims)
	resp, err := http.Get(apiURL + "/auth/public-keys/" + fmt.Sprint(header["kid"]))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pemBytes, _ := io.ReadAll(resp.Body)
	block, _ := pem.Decode(pemBytes)
	if resp.StatusCode != 200 || block == nil {
		t.Fatalf("public key for kid %v: %d %s", header["kid"], resp.StatusCode, pemBytes)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.URLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("signature: %v (%d bytes)", err, len(sig))
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub.(*ecdsa.PublicKey), digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Error("x-amzn-oidc-data signature does not verify with the served public key")
	}
	return header, claims
}
