package auth

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCallbackFailures is AUTH-04: every way a sign-in can fail at the callback, with the
// status the client gets and the access log's error_reason.
func TestCallbackFailures(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		select { // outlast the authenticator's IdP timeout, or end with the request
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
	}
	fail := func(status int, body string) func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	testCases := []struct {
		desc       string
		edit       func(*Options)
		breakPath  string
		breakWith  func(w http.ResponseWriter, r *http.Request, next http.Handler)
		callback   func(h *harness, callback string, cookies []*http.Cookie) (string, []*http.Cookie)
		wantStatus int
		wantReason string
	}{
		{desc: "missing state", wantStatus: 401, wantReason: "AuthMissingStateParam",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return dropParam(cb, "state"), c
			}},
		{desc: "state changed by the client", wantStatus: 401, wantReason: "AuthInvalidStateParam",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return editParam(cb, "state", "x"), c
			}},
		{desc: "state from another browser", wantStatus: 401, wantReason: "AuthInvalidStateParam",
			callback: func(_ *harness, cb string, _ []*http.Cookie) (string, []*http.Cookie) { return cb, nil }},
		{desc: "sign-in over 15 minutes (AUTH-02)", wantStatus: 401, wantReason: "AuthInvalidStateParam",
			callback: func(h *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				h.clock.advance(loginWindow + time.Second)
				return cb, c
			}},
		{desc: "missing code", wantStatus: 401, wantReason: "AuthMissingCodeParam",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return dropParam(cb, "code"), c
			}},
		{desc: "code not valid", wantStatus: 401, wantReason: "AuthInvalidGrantError",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return editParam(cb, "code", "made-up"), c
			}},
		{desc: "user refused at the IdP", wantStatus: 401, wantReason: "AuthMissingCodeParam",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return editParam(dropParam(cb, "code"), "error", "access_denied"), c
			}},
		{desc: "IdP error code", wantStatus: 561, wantReason: "AuthMissingCodeParam",
			callback: func(_ *harness, cb string, c []*http.Cookie) (string, []*http.Cookie) {
				return editParam(dropParam(cb, "code"), "error", "server_error"), c
			}},
		{desc: "token endpoint unreachable", wantStatus: 500, wantReason: "AuthTokenEpRequestFailed",
			edit: func(o *Options) { o.Provider.TokenEndpoint = "https://127.0.0.1:1/token" }},
		{desc: "token endpoint slower than the timeout", wantStatus: 500, wantReason: "AuthTokenEpRequestTimeout",
			edit: func(o *Options) { o.IdPTimeout = 200 * time.Millisecond }, breakPath: "/oauth/token", breakWith: slow},
		{desc: "token endpoint error status", wantStatus: 561, wantReason: "AuthTokenEpRequestFailed",
			breakPath: "/oauth/token", breakWith: fail(500, `{"error":"server_error"}`)},
		{desc: "token response without an ID token", wantStatus: 401, wantReason: "AuthInvalidTokenResponse",
			breakPath: "/oauth/token", breakWith: rewriteBody(func(b []byte) []byte { return bytes.Replace(b, []byte(`"id_token"`), []byte(`"xd_token"`), 1) })},
		{desc: "token response not JSON", wantStatus: 401, wantReason: "AuthInvalidTokenResponse",
			breakPath: "/oauth/token", breakWith: fail(200, `{"access_token":`)},
		{desc: "ID token from another issuer", wantStatus: 401, wantReason: "AuthInvalidIdToken",
			edit: func(o *Options) { o.Provider.Issuer += "/other" }},
		{desc: "userinfo unreachable", wantStatus: 500, wantReason: "AuthUserinfoEpRequestFailed",
			edit: func(o *Options) { o.Provider.UserInfoEndpoint = "https://127.0.0.1:1/userinfo" }},
		{desc: "userinfo slower than the timeout", wantStatus: 500, wantReason: "AuthUserinfoEpRequestTimeout",
			edit: func(o *Options) { o.IdPTimeout = 200 * time.Millisecond }, breakPath: "/userinfo", breakWith: slow},
		{desc: "userinfo error status", wantStatus: 561, wantReason: "AuthUserinfoEpRequestFailed",
			breakPath: "/userinfo", breakWith: fail(401, `{"error":"invalid_token"}`)},
		{desc: "userinfo not JSON", wantStatus: 401, wantReason: "AuthInvalidUserinfoResponse",
			breakPath: "/userinfo", breakWith: fail(200, `<html>`)},
		{desc: "userinfo of another user", wantStatus: 401, wantReason: "AuthInvalidUserinfoResponse",
			breakPath: "/userinfo", breakWith: fail(200, `{"sub":"someone-else"}`)},
		{desc: "userinfo over 11 K", wantStatus: 500, wantReason: "AuthUserinfoResponseSizeExceeded",
			breakPath: "/userinfo", breakWith: fail(200, `{"sub":"id1","big":"`+strings.Repeat("x", 11<<10)+`"}`)},
		{desc: "userinfo of exactly 11 K", wantStatus: 302,
			breakPath: "/userinfo", breakWith: fail(200, `{"sub":"id1","big":"`+strings.Repeat("x", 11<<10-len(`{"sub":"id1","big":""}`))+`"}`)},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.edit)
			callback, cookies := h.login("/app")
			if tc.callback != nil {
				callback, cookies = tc.callback(h, callback, cookies)
			}
			if tc.breakPath != "" {
				h.brk.set(tc.breakPath, tc.breakWith)
			}
			res := h.serve(request(callback, cookies...))
			if res.resp.StatusCode != tc.wantStatus || res.ex.ErrorReason != tc.wantReason {
				t.Errorf("got %d %q, want %d %q", res.resp.StatusCode, res.ex.ErrorReason, tc.wantStatus, tc.wantReason)
			}
			if tc.wantStatus != 302 && (res.ex.AuthSucceeded || h.target.calls != 0) {
				t.Error("a failed sign-in succeeded or reached the target")
			}
		})
	}
}

func dropParam(target, name string) string {
	u, _ := url.Parse(target)
	q := u.Query()
	q.Del(name)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func editParam(target, name, value string) string {
	u, _ := url.Parse(target)
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// TestUnauthenticated is OnUnauthenticatedRequest (AUTH-01): deny → 401, allow → forwarded
// without claims (and without the client's own x-amzn-oidc-* headers).
func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	deny := newHarness(t, func(o *Options) { o.OnUnauthenticated = Deny })
	if res := deny.serve(request("/app")); res.resp.StatusCode != 401 || deny.target.calls != 0 {
		t.Errorf("deny: %d, target calls %d", res.resp.StatusCode, deny.target.calls)
	}
	allow := newHarness(t, func(o *Options) { o.OnUnauthenticated = Allow })
	r := request("/app")
	r.Header.Set("X-Amzn-Oidc-Identity", "admin")
	res := allow.serve(r)
	if res.resp.StatusCode != 200 || allow.target.calls != 1 || allow.target.header.Get("X-Amzn-Oidc-Identity") != "" {
		t.Errorf("allow: %d, target calls %d, identity %q", res.resp.StatusCode, allow.target.calls, allow.target.header.Get("X-Amzn-Oidc-Identity"))
	}
	// A user signed in through another rule of the same provider and client still gets the
	// claims on an allow rule.
	session := allow.signInThrough(Authenticate, "/app")
	allow.serve(request("/app", session...))
	if allow.target.header.Get("X-Amzn-Oidc-Identity") == "" {
		t.Error("allow: a signed-in request lacks the claims")
	}
}

// TestSessionLifetime: the session ends after SessionTimeout (the user signs in again), a
// changed or foreign cookie is AuthInvalidCookie and treated as no session.
func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.SessionTimeout = time.Hour })
	session := h.signIn("/app")
	if res := h.serve(request("/app", session...)); res.resp.StatusCode != 200 {
		t.Fatalf("signed in: %d", res.resp.StatusCode)
	}
	tampered := *session[0]
	tampered.Value = tampered.Value[:len(tampered.Value)-4] + "AAAA"
	res := h.serve(request("/app", &tampered))
	if res.resp.StatusCode != 302 || res.ex.ErrorReason != "AuthInvalidCookie" {
		t.Errorf("tampered cookie: %d %q, want 302 AuthInvalidCookie", res.resp.StatusCode, res.ex.ErrorReason)
	}
	other := newHarness(t, nil) // same keys, another provider: its sessions are not valid here
	if res := other.serve(request("/app", session...)); res.resp.StatusCode != 302 || res.ex.ErrorReason != "AuthInvalidCookie" {
		t.Errorf("another action's cookie: %d %q", res.resp.StatusCode, res.ex.ErrorReason)
	}
	h.clock.advance(time.Hour)
	if res := h.serve(request("/app", session...)); res.resp.StatusCode != 302 || res.ex.ErrorReason != "" {
		t.Errorf("after the session timeout: %d %q, want a quiet 302 to sign in again", res.resp.StatusCode, res.ex.ErrorReason)
	}
}

// TestRefresh: with offline_access the provider issues a refresh token; once the access token
// has expired the load balancer renews it and the claims (ELBAuthRefreshTokenSuccess), and sets
// the new session.
func TestRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Scope = "openid email offline_access"
		o.ExtraParams = map[string]string{"prompt": "consent"}
	})
	session := h.signIn("/app")
	first := h.serve(request("/app", session...))
	token := h.target.header.Get("X-Amzn-Oidc-Accesstoken")
	if first.ex.AuthRefreshed {
		t.Fatal("refreshed a fresh token")
	}
	h.clock.advance(6 * time.Minute) // the example provider's access tokens last 5 minutes
	res := h.serve(request("/app", session...))
	if res.resp.StatusCode != 200 || !res.ex.AuthRefreshed {
		t.Fatalf("after the access token expired: %d, refreshed %v", res.resp.StatusCode, res.ex.AuthRefreshed)
	}
	if h.target.header.Get("X-Amzn-Oidc-Accesstoken") == token {
		t.Error("the target got the old access token")
	}
	if len(cookiesOf(res.resp)) == 0 {
		t.Error("the renewed session was not stored")
	}
}

// TestMissingHost is AUTH-04's HTTP/1.0 request without Host: 401 AuthMissingHostHeader; an
// HTTP/1.0 request that names a host goes through the flow.
func TestMissingHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.DNSName = "web-0123456789abcdef.us-east-1.elb.localhost" })
	r := request("/app")
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.0", 1, 0
	r.Host = "web-0123456789abcdef.us-east-1.elb.localhost:8443" // what the router gave it
	if res := h.serve(r); res.resp.StatusCode != 401 || res.ex.ErrorReason != "AuthMissingHostHeader" {
		t.Errorf("HTTP/1.0 without Host: %d %q", res.resp.StatusCode, res.ex.ErrorReason)
	}
	r = request("/app")
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.0", 1, 0
	if res := h.serve(r); res.resp.StatusCode != 302 {
		t.Errorf("HTTP/1.0 with Host: %d", res.resp.StatusCode)
	}
}

// logoutTarget ends the session the way AWS tells applications to: it expires the session cookie
// and sends the browser to the IdP's end-session endpoint.
type logoutTarget struct{ endSession string }

func (l logoutTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: "AWSELBAuthSessionCookie-0", Value: "", Path: "/", MaxAge: -1, Secure: true})
	http.Redirect(w, r, l.endSession, http.StatusFound)
	return nil
}

// TestLogout: the application's expired cookie reaches the browser unchanged, and without it
// the next request must sign in again.
func TestLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	session := h.signIn("/app")
	h.a.next = logoutTarget{endSession: h.op.Issuer + "/end_session"}
	res := h.serve(request("/logout", session...))
	var expired bool
	for _, c := range res.resp.Cookies() {
		expired = expired || (c.Name == "AWSELBAuthSessionCookie-0" && c.MaxAge < 0)
	}
	if res.resp.StatusCode != 302 || res.resp.Header.Get("Location") != h.op.Issuer+"/end_session" || !expired {
		t.Errorf("logout response: %d to %q, cookie expired %v", res.resp.StatusCode, res.resp.Header.Get("Location"), expired)
	}
	if res := h.serve(request("/app")); res.resp.StatusCode != 302 || !strings.HasPrefix(res.resp.Header.Get("Location"), h.op.AuthorizationEndpoint()) {
		t.Errorf("after logout: %d %q, want a new sign-in", res.resp.StatusCode, res.resp.Header.Get("Location"))
	}
}
