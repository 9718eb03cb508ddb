package auth

import (
	"errors"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// callback finishes a sign-in at /oauth2/idpresponse: it checks the state, redeems the code at
// the token endpoint, checks the ID token, fetches the user claims, stores the session and sends
// the browser back to where it started. Every failure carries AUTH-04's status and reason.
func (a *Authenticator) callback(w http.ResponseWriter, r *http.Request, ex *observe.Exchange) error {
	if a.o.LocalUsers != nil {
		return a.localCallback(w, r, ex)
	}
	now := a.o.Now()
	q := r.URL.Query()
	if code := q.Get("error"); code != "" {
		// The IdP answered with an error instead of a code: a refusal of the user is a 401,
		// any other error code the IdP's failure, 561 (docs/auth.md).
		if code == "access_denied" {
			return unauthorized("AuthMissingCodeParam", errors.New("identity provider: "+code))
		}
		return &elberr.Error{Status: statusIdPError, Reason: "AuthMissingCodeParam", Source: elberr.SourceLoadBalancer,
			Err: errors.New("identity provider: " + code)}
	}
	raw := q.Get("state")
	if raw == "" {
		return unauthorized("AuthMissingStateParam", nil)
	}
	st, e := a.openState(r, raw, now)
	if e != nil {
		return e
	}
	code := q.Get("code")
	if code == "" {
		return unauthorized("AuthMissingCodeParam", nil)
	}
	tok, e := a.redeem(r, ex, code)
	if e != nil {
		return e
	}
	rawID, ok := tok.Extra("id_token").(string)
	if !ok || rawID == "" {
		return unauthorized("AuthInvalidTokenResponse", errors.New("no id_token: is openid in the scope?"))
	}
	idt, err := a.verifier.Verify(r.Context(), rawID)
	if err != nil {
		return unauthorized("AuthInvalidIdToken", err)
	}
	if idt.Nonce != st.Nonce {
		return unauthorized("AuthInvalidIdToken", errors.New("id_token nonce does not match the login's"))
	}
	claims, sub, e := a.userClaims(r.Context(), ex, tok)
	if e != nil {
		return e
	}
	if sub != idt.Subject { // OpenID Connect Core, section 5.3.2
		return unauthorized("AuthInvalidUserinfoResponse", errors.New("userinfo sub differs from the ID token's"))
	}
	return a.finishSignIn(w, r, ex, a.newSession(tok, claims, sub, now.Add(a.o.SessionTimeout).Unix()), st, now)
}

// openState opens the callback's state and checks that it belongs to this action and to the
// browser presenting it.
func (a *Authenticator) openState(r *http.Request, raw string, now time.Time) (*loginState, *elberr.Error) {
	var st loginState
	if err := a.states.open(raw, &st, now); err != nil {
		return nil, unauthorized("AuthInvalidStateParam", err) // also a login over 15 minutes (AUTH-02)
	}
	if c, err := r.Cookie(bindingCookie); st.Identity != a.identity || err != nil || c.Value != st.Binding {
		return nil, unauthorized("AuthInvalidStateParam", errors.New("state belongs to another client or browser"))
	}
	return &st, nil
}

// finishSignIn stores the new session and sends the browser back where it started.
func (a *Authenticator) finishSignIn(w http.ResponseWriter, r *http.Request, ex *observe.Exchange, s *session, st *loginState, now time.Time) error {
	if e := a.writeSession(w, r, s, now, st.CORS); e != nil {
		return e
	}
	http.SetCookie(w, &http.Cookie{Name: bindingCookie, Path: CallbackPath, MaxAge: -1, Expires: time.Unix(0, 0), Secure: true, HttpOnly: true})
	ex.AuthSucceeded = true
	location := "https://" + r.Host + st.Return
	ex.RedirectURL = location
	return elberr.WriteRedirect(w, r, http.StatusFound, location, a.o.ServerHeader)
}

// redeem exchanges the code at the token endpoint within 5 s.
func (a *Authenticator) redeem(r *http.Request, ex *observe.Exchange, code string) (*oauth2.Token, *elberr.Error) {
	rec := &callRecord{}
	ctx, cancel := a.httpContext(r.Context(), rec, maxTokenResponseBytes)
	defer cancel()
	start := time.Now()
	tok, err := a.oauth.Exchange(ctx, code, oauth2.SetAuthURLParam("redirect_uri", redirectURI(r)))
	ex.AuthLatency += time.Since(start)
	if err == nil {
		return tok, nil
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
		return nil, unauthorized("AuthInvalidGrantError", err)
	}
	return nil, callFailure(err, rec, tokenReasons)
}
