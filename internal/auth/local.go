package auth

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// LocalUser is a user of a user pool that Albatross stands in for: no OpenID provider is called,
// Albatross shows its own sign-in page and issues the session itself.
type LocalUser struct {
	Password string
	// Subject is the sub claim and x-amzn-oidc-identity.
	Subject string
	// Claims are the user's claims (x-amzn-oidc-data); sub and username are added.
	Claims map[string]any
}

// maxLoginForm bounds the sign-in form a client may post.
const maxLoginForm = 16 << 10

// loginPage is the stand-in's sign-in form. It posts to the callback path, which the rule
// matches anyway (as on AWS, for the IdP's redirect).
var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in</title></head>
<body style="font-family:sans-serif;display:flex;justify-content:center;margin-top:10vh">
<form method="POST" action="/oauth2/idpresponse" style="width:18em">
<h1 style="font-size:1.3em">Sign in</h1>
<p style="color:#666;font-size:.85em">Albatross stands in for user pool {{.Pool}}.</p>
<input type="hidden" name="state" value="{{.State}}">
<p><label>Username<br><input id="username" name="username" autocomplete="username" style="width:100%"></label></p>
<p><label>Password<br><input id="password" name="password" type="password" autocomplete="current-password" style="width:100%"></label></p>
{{if .Error}}<p style="color:#b00">{{.Error}}</p>{{end}}
<p><button type="submit">Sign in</button></p>
</form></body></html>
`))

// showLoginPage answers an unauthenticated request with the sign-in form, under a fresh state.
func (a *Authenticator) showLoginPage(w http.ResponseWriter, r *http.Request, state string) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-store")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(http.StatusOK)
	return loginPage.Execute(w, struct{ Pool, State, Error string }{a.o.Provider.Issuer, state, ""})
}

// localCallback checks a posted sign-in form against the local users and stores the session.
func (a *Authenticator) localCallback(w http.ResponseWriter, r *http.Request, ex *observe.Exchange) error {
	now := a.o.Now()
	if r.Method != http.MethodPost {
		return unauthorized("AuthMissingCodeParam", errors.New("the stand-in's callback takes the posted sign-in form"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		return &elberr.Error{Status: http.StatusBadRequest, Source: elberr.SourceClient, Err: err}
	}
	raw := r.PostForm.Get("state")
	if raw == "" {
		return unauthorized("AuthMissingStateParam", nil)
	}
	st, e := a.openState(r, raw, now)
	if e != nil {
		return e
	}
	user, ok := a.o.LocalUsers[r.PostForm.Get("username")]
	if !ok || subtle.ConstantTimeCompare([]byte(user.Password), []byte(r.PostForm.Get("password"))) != 1 {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache, no-store")
		w.WriteHeader(http.StatusUnauthorized)
		return loginPage.Execute(w, struct{ Pool, State, Error string }{a.o.Provider.Issuer, raw, "Incorrect username or password."})
	}
	claims := map[string]any{"sub": user.Subject, "username": r.PostForm.Get("username")}
	for k, v := range user.Claims {
		claims[k] = v
	}
	s := &session{Identity: a.identity, Subject: user.Subject, Claims: claims, AccessToken: randomToken(),
		Expires: now.Add(a.o.SessionTimeout).Unix()}
	return a.finishSignIn(w, r, ex, s, st, now)
}
