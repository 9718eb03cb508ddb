package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// session is what the sealed session cookie holds.
type session struct {
	// Identity ties the session to the provider and client that made it.
	Identity     string         `json:"id"`
	Subject      string         `json:"sub"`
	Claims       map[string]any `json:"claims"`
	AccessToken  string         `json:"at"`
	RefreshToken string         `json:"rt,omitempty"`
	// AccessExpiry is when the access token expires (Unix seconds), 0 when the IdP did not say.
	AccessExpiry int64 `json:"ae,omitempty"`
	// Expires is the end of the session: sign-in time plus SessionTimeout (Unix seconds).
	Expires int64 `json:"exp"`
}

// needsRefresh reports an expired access token that a refresh token can renew (the load
// balancer then refreshes the user claims, as ALB does).
func (s *session) needsRefresh(now time.Time) bool {
	return s.RefreshToken != "" && s.AccessExpiry != 0 && now.Unix() >= s.AccessExpiry
}

// readSession returns the request's valid session, nil and nil without a session cookie or with
// an expired one, and nil and errUnsealed with a cookie that is not a valid session of this
// action (AuthInvalidCookie).
func (a *Authenticator) readSession(r *http.Request, now time.Time) (*session, error) {
	sealed := readShards(r, a.cookie)
	if sealed == "" {
		return nil, nil
	}
	var s session
	if err := a.sessions.open(sealed, &s, now); err != nil {
		if errors.Is(err, errExpired) {
			return nil, nil
		}
		return nil, errUnsealed
	}
	if s.Identity != a.identity {
		return nil, errUnsealed
	}
	return &s, nil
}

// writeSession seals s into the session cookie shards. A session too large for 4 shards (16 K)
// is refused with 401 (AUTH-04 "claims too big").
func (a *Authenticator) writeSession(w http.ResponseWriter, r *http.Request, s *session, now time.Time, sameSiteNone bool) *elberr.Error {
	sealed, err := a.sessions.seal(s, time.Unix(s.Expires, 0))
	if err != nil {
		return &elberr.Error{Status: http.StatusInternalServerError, Reason: "AuthUnhandledException", Err: err}
	}
	if !writeShards(w, r, a.cookie, sealed, now, sameSiteNone) {
		return unauthorized("", errors.New("auth: session larger than 4 cookie shards"))
	}
	return nil
}

// newSession builds a session from a token response and the user claims.
func (a *Authenticator) newSession(tok *oauth2.Token, claims map[string]any, sub string, expires int64) *session {
	s := &session{Identity: a.identity, Subject: sub, Claims: claims, AccessToken: tok.AccessToken,
		RefreshToken: tok.RefreshToken, Expires: expires}
	if !tok.Expiry.IsZero() {
		s.AccessExpiry = tok.Expiry.Unix()
	}
	return s
}

// userClaims calls the userinfo endpoint with the access token (AUTH-03: the claims forwarded
// come from there), within 11 K and 5 s.
func (a *Authenticator) userClaims(ctx context.Context, ex *observe.Exchange, tok *oauth2.Token) (map[string]any, string, *elberr.Error) {
	rec := &callRecord{}
	cctx, cancel := a.httpContext(ctx, rec, maxUserClaimsBytes)
	defer cancel()
	start := time.Now()
	info, err := a.provider.UserInfo(cctx, oauth2.StaticTokenSource(tok))
	ex.AuthLatency += time.Since(start)
	if err != nil {
		return nil, "", callFailure(err, rec, userinfoReasons)
	}
	var claims map[string]any
	if err := info.Claims(&claims); err != nil || info.Subject == "" {
		return nil, "", unauthorized("AuthInvalidUserinfoResponse", err)
	}
	return claims, info.Subject, nil
}

// refresh renews an expired access token with the refresh token and fetches the claims again.
// On success it stores the new session and returns it; on any failure it returns nil, so that
// the request is treated as unauthenticated (the user signs in again).
func (a *Authenticator) refresh(w http.ResponseWriter, r *http.Request, ex *observe.Exchange, s *session, now time.Time) *session {
	rec := &callRecord{}
	ctx, cancel := a.httpContext(r.Context(), rec, maxTokenResponseBytes)
	defer cancel()
	start := time.Now()
	tok, err := a.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: s.RefreshToken, Expiry: now.Add(-time.Second)}).Token()
	ex.AuthLatency += time.Since(start)
	if err != nil {
		return nil
	}
	claims, sub, e := a.userClaims(r.Context(), ex, tok)
	if e != nil || sub != s.Subject {
		return nil
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = s.RefreshToken // RFC 6749 §6: the old one stays valid
	}
	ns := a.newSession(tok, claims, sub, s.Expires)
	if a.writeSession(w, r, ns, now, crossOrigin(r)) != nil {
		return nil
	}
	ex.AuthRefreshed = true
	return ns
}

// crossOrigin reports a CORS request: one whose Origin is not the request's own (AUTH-02: the
// session cookie set in answer to it is SameSite=None).
func crossOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin != "" && !strings.EqualFold(origin, "https://"+r.Host)
}
