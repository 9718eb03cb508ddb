package auth

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// loginWindow is how long a sign-in may take, from the redirect to the IdP until the callback;
// later callbacks are refused (AUTH-02: 401).
const loginWindow = 15 * time.Minute

// bindingCookie ties a login's state to the browser that started it, so that nobody can make
// a victim's browser finish a sign-in the attacker began (login CSRF). Several sign-ins in
// different tabs share it.
const bindingCookie = "AWSELBAuthNonce"

// loginState is what the sealed state parameter carries through the IdP.
type loginState struct {
	Identity string `json:"id"`
	Nonce    string `json:"n"`
	Binding  string `json:"b"`
	// Return is the request target to go back to after sign-in (path and query only).
	Return string `json:"u"`
	// CORS records a cross-origin original request: the session cookie is then SameSite=None.
	CORS bool `json:"c,omitempty"`
}

// login redirects the browser to the authorization endpoint with a fresh state and nonce.
func (a *Authenticator) login(w http.ResponseWriter, r *http.Request) error {
	now := a.o.Now()
	binding := ""
	if c, err := r.Cookie(bindingCookie); err == nil && len(c.Value) == 22 {
		binding = c.Value
	} else {
		binding = randomToken()
	}
	st := loginState{Identity: a.identity, Nonce: randomToken(), Binding: binding, Return: r.URL.RequestURI(), CORS: crossOrigin(r)}
	state, err := a.states.seal(st, now.Add(loginWindow))
	if err != nil {
		return &elberr.Error{Status: http.StatusInternalServerError, Reason: "AuthUnhandledException", Err: err}
	}
	if a.o.LocalUsers != nil {
		setBinding(w, binding)
		return a.showLoginPage(w, r, state)
	}
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("nonce", st.Nonce), oauth2.SetAuthURLParam("redirect_uri", redirectURI(r))}
	for k, v := range a.o.ExtraParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	location := a.oauth.AuthCodeURL(state, opts...)
	setBinding(w, binding)
	w.Header().Set("Cache-Control", "no-cache, no-store")
	observe.ExchangeFrom(r.Context()).RedirectURL = location
	return elberr.WriteRedirect(w, r, http.StatusFound, location, a.o.ServerHeader)
}

// redirectURI is the callback URL on the host the client used (the forwarded Host, which keeps
// a non-default port).
func redirectURI(r *http.Request) string { return "https://" + r.Host + CallbackPath }

// randomToken is 128 random bits, base64url (22 characters).
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setBinding sets the cookie that ties a sign-in to this browser.
func setBinding(w http.ResponseWriter, binding string) {
	http.SetCookie(w, &http.Cookie{Name: bindingCookie, Value: binding, Path: CallbackPath, MaxAge: int(loginWindow / time.Second),
		Secure: true, HttpOnly: true})
}
