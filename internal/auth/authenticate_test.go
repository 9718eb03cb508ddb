package auth

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/auth/authtest"
)

// TestSignInForwardsClaims is AUTH-01 and AUTH-03 with a real provider: after sign-in the target
// gets the access token, the subject and the signed claims, and a client's own x-amzn-oidc-*
// headers never reach it.
func TestSignInForwardsClaims(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	callback, binding := h.login("/app/page?q=1")
	res := h.serve(request(callback, binding...))
	if !res.ex.AuthSucceeded || res.ex.AuthLatency <= 0 {
		t.Errorf("callback exchange: succeeded %v, latency %v; want ELBAuthSuccess and ELBAuthLatency", res.ex.AuthSucceeded, res.ex.AuthLatency)
	}
	var session []*http.Cookie
	for _, c := range cookiesOf(res.resp) {
		if strings.HasPrefix(c.Name, "AWSELBAuthSessionCookie-") {
			session = append(session, c)
		}
	}
	r := request("/app/page?q=1", session...)
	r.Header.Set("X-Amzn-Oidc-Identity", "admin")
	r.Header.Set("X-Amzn-Oidc-Data", "forged")
	res = h.serve(r)
	if res.resp.StatusCode != http.StatusOK || h.target.calls != 1 {
		t.Fatalf("signed-in request: %d, target calls %d", res.resp.StatusCode, h.target.calls)
	}
	if got := res.ex.ActionsExecuted; !slices.Equal(got, []string{"authenticate", "forward"}) {
		t.Errorf("actions_executed = %v, want authenticate,forward (ACT-03)", got)
	}
	hd := h.target.header
	if hd.Get("X-Amzn-Oidc-Identity") != authtest.Subject || hd.Get("X-Amzn-Oidc-Accesstoken") == "" {
		t.Errorf("identity %q, access token %q", hd.Get("X-Amzn-Oidc-Identity"), hd.Get("X-Amzn-Oidc-Accesstoken"))
	}
	header, claims := verifyData(t, h.keys.PublicKeyPEM(), hd.Get("X-Amzn-Oidc-Data"))
	want := map[string]any{"alg": "ES256", "kid": h.keys.KeyID(), "iss": h.op.Issuer, "client": authtest.ClientID,
		"signer": "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0123456789abcdef"}
	for k, v := range want {
		if header[k] != v {
			t.Errorf("x-amzn-oidc-data header %s = %v, want %v", k, header[k], v)
		}
	}
	exp, _ := header["exp"].(float64)
	if d := time.Until(time.Unix(int64(exp), 0)); d <= 0 || d > dataTokenLifetime {
		t.Errorf("x-amzn-oidc-data exp in %v", d)
	}
	if claims["sub"] != authtest.Subject || claims["email"] != authtest.Email || claims["iss"] != h.op.Issuer || claims["exp"] != header["exp"] {
		t.Errorf("x-amzn-oidc-data claims = %v", claims)
	}
}

// verifyData verifies an x-amzn-oidc-data value the way AWS's sample code does: padded
// base64url segments, ES256 over the first two as sent.
func verifyData(t *testing.T, publicPEM []byte, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("%d segments", len(parts))
	}
	for i, p := range parts {
		b, err := base64.URLEncoding.DecodeString(p) // strict: padding required
		if err != nil {
			t.Fatalf("segment %d is not padded base64url: %v", i, err)
		}
		switch i {
		case 0:
			_ = json.Unmarshal(b, &header)
		case 1:
			_ = json.Unmarshal(b, &claims)
		case 2:
			block, _ := pem.Decode(publicPEM)
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			if len(b) != 64 || !ecdsa.Verify(pub.(*ecdsa.PublicKey), digest[:], new(big.Int).SetBytes(b[:32]), new(big.Int).SetBytes(b[32:])) {
				t.Error("signature does not verify")
			}
		}
	}
	return header, claims
}

// TestRedirectToProvider is AUTH-01's authenticate behaviour: a 302 to the authorization
// endpoint with the code flow's parameters, state, nonce, scope and the extra parameters.
func TestRedirectToProvider(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.ExtraParams = map[string]string{"prompt": "login", "ui_locales": "en"} })
	res := h.serve(request("/app"))
	loc, err := url.Parse(res.resp.Header.Get("Location"))
	if res.resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("%d %q", res.resp.StatusCode, res.resp.Header.Get("Location"))
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != h.op.AuthorizationEndpoint() {
		t.Errorf("redirect to %s, want the authorization endpoint", got)
	}
	q := loc.Query()
	want := map[string]string{"response_type": "code", "client_id": authtest.ClientID, "redirect_uri": "https://lb.test/oauth2/idpresponse",
		"scope": "openid email", "prompt": "login", "ui_locales": "en"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Get("state") == "" || len(q.Get("nonce")) < 22 {
		t.Errorf("state %q, nonce %q", q.Get("state"), q.Get("nonce"))
	}
	if res.resp.Header.Get("Server") != "awselb/2.0" || !slices.Equal(res.ex.ActionsExecuted, []string{"authenticate"}) || res.ex.RedirectURL == "" {
		t.Errorf("server %q, actions %v, redirect_url %q", res.resp.Header.Get("Server"), res.ex.ActionsExecuted, res.ex.RedirectURL)
	}
	if h.target.calls != 0 {
		t.Error("the target was called before sign-in")
	}
}

// TestSessionCookie is AUTH-02: the session cookie shards are Secure, HttpOnly, for the whole
// host, and live 7 days whatever the session timeout; a cross-origin request's cookie is
// SameSite=None.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.SessionTimeout = time.Hour; o.SessionCookieName = "my-session" })
	callback, binding := h.login("/app")
	res := h.serve(request(callback, binding...))
	var shards []*http.Cookie
	for _, c := range res.resp.Cookies() {
		if strings.HasPrefix(c.Name, "my-session-") {
			shards = append(shards, c)
		}
	}
	if len(shards) != 1 || shards[0].Name != "my-session-0" {
		t.Fatalf("session shards %v, want my-session-0", shards)
	}
	c := shards[0]
	if !c.Secure || !c.HttpOnly || c.Path != "/" || c.SameSite != 0 {
		t.Errorf("cookie attributes: %s", c)
	}
	if d := time.Until(c.Expires); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
		t.Errorf("cookie expires in %v, want 7 days (AUTH-02)", d)
	}
	if strings.Contains(c.Value, authtest.Email) || strings.Contains(c.Value, authtest.Subject+`"`) {
		t.Error("the session cookie can be read")
	}

	// A CORS request renews nothing here, but its sign-in sets SameSite=None.
	r := request("/app")
	r.Header.Set("Origin", "https://other.test")
	login := h.serve(r)
	q, _ := url.Parse(login.resp.Header.Get("Location"))
	var st loginState
	if err := h.a.states.open(q.Query().Get("state"), &st, time.Now()); err != nil || !st.CORS {
		t.Errorf("a cross-origin request's state records CORS: %+v %v", st, err)
	}
}

// TestShards: a session larger than one cookie is split over up to 4 shards; stale shards are
// expired; more than 4 is refused.
func TestShards(t *testing.T) {
	t.Parallel()
	value := strings.Repeat("v", 2*shardSize+10)
	old := request("/")
	for i := range 4 {
		old.AddCookie(&http.Cookie{Name: "S-" + string(rune('0'+i)), Value: "x"})
	}
	w := newRecorder()
	if !writeShards(w, old, "S", value, time.Now(), true) {
		t.Fatal("3 shards refused")
	}
	got := map[string]*http.Cookie{}
	for _, c := range w.Result().Cookies() {
		got[c.Name] = c
	}
	if len(got["S-0"].Value) != shardSize || len(got["S-2"].Value) != 10 || got["S-0"].SameSite != http.SameSiteNoneMode {
		t.Errorf("shards: %v", got)
	}
	if got["S-3"] == nil || got["S-3"].MaxAge >= 0 {
		t.Errorf("stale shard S-3 not expired: %v", got["S-3"])
	}
	back := request("/")
	for _, name := range []string{"S-0", "S-1", "S-2"} {
		back.AddCookie(got[name])
	}
	if readShards(back, "S") != value {
		t.Error("shards do not join back")
	}
	if writeShards(newRecorder(), old, "S", strings.Repeat("v", 4*shardSize+1), time.Now(), false) {
		t.Error("5 shards accepted")
	}
}
