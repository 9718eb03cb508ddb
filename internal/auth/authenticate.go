package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// CallbackPath is where the IdP sends the browser back (AUTH-01); the rule with the authenticate
// action must match it.
const CallbackPath = "/oauth2/idpresponse"

// idpTimeout is ALB's limit on each call to the token and userinfo endpoints (AUTH-04).
const idpTimeout = 5 * time.Second

// Unauthenticated is what an authenticate action does with a request without a valid session
// (OnUnauthenticatedRequest, AUTH-01).
type Unauthenticated int

// The OnUnauthenticatedRequest behaviours; the zero value is authenticate, the AWS default.
const (
	Authenticate Unauthenticated = iota
	Deny
	Allow
)

// ParseUnauthenticated reads an OnUnauthenticatedRequest value; "" is authenticate.
func ParseUnauthenticated(s string) (Unauthenticated, error) {
	switch s {
	case "", "authenticate":
		return Authenticate, nil
	case "deny":
		return Deny, nil
	case "allow":
		return Allow, nil
	}
	return 0, fmt.Errorf("on_unauthenticated_request: unknown value %q", s)
}

// Provider is an OpenID provider's endpoints and the client registered there.
type Provider struct {
	Issuer, AuthorizationEndpoint, TokenEndpoint, UserInfoEndpoint string
	ClientID, ClientSecret                                         string
}

// Options configure an authenticate action.
type Options struct {
	Provider Provider
	// Scope is the space-separated scopes requested ("openid" when empty).
	Scope string
	// SessionCookieName names the session cookie shards ("AWSELBAuthSessionCookie" when empty).
	SessionCookieName string
	// SessionTimeout is the session's maximum duration (7 days when zero).
	SessionTimeout time.Duration
	// ExtraParams are added to the authorization request.
	ExtraParams map[string]string
	// OnUnauthenticated is what happens to a request without a session.
	OnUnauthenticated Unauthenticated
	// Signer is the load balancer's ARN, the signer field of x-amzn-oidc-data.
	Signer string
	// Keys seal sessions and sign the user claims. Required.
	Keys *Keys
	// Transport makes the calls to the token and userinfo endpoints; nil means one transport
	// shared by every action, like http.DefaultTransport (system roots: SSL_CERT_FILE names a
	// private CA's bundle).
	Transport http.RoundTripper
	// ServerHeader adds `Server: awselb/2.0` to the load balancer's own responses.
	ServerHeader bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LocalUsers, when not nil, makes Albatross stand in for the identity provider: an
	// unauthenticated browser gets Albatross's own sign-in page, which checks these users by
	// name (local.go); Provider then only names the pool (Issuer) and the client.
	LocalUsers map[string]LocalUser
	// DNSName is the Host the load balancer gives HTTP/1.0 requests that carry none (LST-05);
	// such requests cannot be signed in (there is no host to return to) and get 401
	// AuthMissingHostHeader (AUTH-04). Empty: no check.
	DNSName string
	// IdPTimeout bounds each call to the token and userinfo endpoints; zero means ALB's 5 s.
	IdPTimeout time.Duration
}

// Authenticator is an authenticate-oidc or authenticate-cognito action in front of the rule's
// routing action. It is immutable and safe for concurrent use.
type Authenticator struct {
	o        Options
	next     action.Handler
	oauth    oauth2.Config
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	sessions sealer
	states   sealer
	cookie   string
	identity string // ties sessions and states to this provider and client
}

// NewAuthenticator returns the action; next is the routing action it guards.
func NewAuthenticator(o Options, next action.Handler) (*Authenticator, error) {
	if o.Keys == nil {
		return nil, fmt.Errorf("authenticate action: no keys")
	}
	if o.Scope == "" {
		o.Scope = "openid"
	}
	if o.SessionCookieName == "" {
		o.SessionCookieName = "AWSELBAuthSessionCookie"
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 7 * 24 * time.Hour
	}
	if o.Transport == nil {
		o.Transport = sharedTransport
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.IdPTimeout <= 0 {
		o.IdPTimeout = idpTimeout
	}
	p := o.Provider
	a := &Authenticator{
		o:    o,
		next: next,
		oauth: oauth2.Config{
			ClientID: p.ClientID, ClientSecret: p.ClientSecret, Scopes: strings.Fields(o.Scope),
			// client_secret_basic, the method OpenID Connect makes the default.
			Endpoint: oauth2.Endpoint{AuthURL: p.AuthorizationEndpoint, TokenURL: p.TokenEndpoint, AuthStyle: oauth2.AuthStyleInHeader},
		},
		provider: (&oidc.ProviderConfig{IssuerURL: p.Issuer, AuthURL: p.AuthorizationEndpoint,
			TokenURL: p.TokenEndpoint, UserInfoURL: p.UserInfoEndpoint}).NewProvider(context.Background()),
		sessions: sealer{key: o.Keys.sessionKey},
		states:   sealer{key: o.Keys.stateKey},
		cookie:   o.SessionCookieName,
		identity: p.Issuer + " " + p.ClientID,
	}
	// ALB checks the ID token's claims but not its signature: it has no key set configured, and
	// the token came straight from the token endpoint over TLS (OpenID Connect Core, section 3.1.3.7).
	a.verifier = oidc.NewVerifier(p.Issuer, nil, &oidc.Config{ClientID: p.ClientID, InsecureSkipSignatureCheck: true, Now: o.Now})
	return a, nil
}

var _ action.Handler = (*Authenticator)(nil)

// sharedTransport keeps connections to identity providers across actions and reloads.
var sharedTransport = http.DefaultTransport.(*http.Transport).Clone()

// NameAuthenticate is the access log's name for every authentication action (ACT-03).
const NameAuthenticate = "authenticate"

// oidcHeaders are the headers the action sets for targets (AUTH-03); a client's own values are
// always removed, so that a target can trust them.
var oidcHeaders = []string{"X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data"}

// ServeHTTP authenticates r, then lets the routing action serve it.
func (a *Authenticator) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.ActionsExecuted = append(ex.ActionsExecuted, NameAuthenticate)
	for _, h := range oidcHeaders {
		delete(r.Header, h)
	}
	if a.missingHost(r) {
		return unauthorizedError("AuthMissingHostHeader")
	}
	if r.URL.Path == CallbackPath {
		return a.callback(w, r, ex)
	}
	now := a.o.Now()
	s, err := a.readSession(r, now)
	if err == errUnsealed {
		ex.ErrorReason = "AuthInvalidCookie"
	}
	if s != nil && s.needsRefresh(now) {
		s = a.refresh(w, r, ex, s, now)
	}
	if s == nil {
		return a.unauthenticated(w, r)
	}
	if err := a.setHeaders(r, s, now); err != nil {
		return &elberr.Error{Status: http.StatusInternalServerError, Reason: "AuthUnhandledException", Err: err}
	}
	return a.next.ServeHTTP(w, r)
}

// unauthenticated applies OnUnauthenticatedRequest (AUTH-01).
func (a *Authenticator) unauthenticated(w http.ResponseWriter, r *http.Request) error {
	switch a.o.OnUnauthenticated {
	case Deny:
		return &elberr.Error{Status: http.StatusUnauthorized, Source: elberr.SourceClient}
	case Allow:
		return a.next.ServeHTTP(w, r)
	}
	return a.login(w, r)
}

// setHeaders adds the AUTH-03 headers for the target.
func (a *Authenticator) setHeaders(r *http.Request, s *session, now time.Time) error {
	exp := now.Add(dataTokenLifetime)
	if se := time.Unix(s.Expires, 0); se.Before(exp) {
		exp = se
	}
	data, err := signUserClaims(a.o.Keys.signer, dataHeader{Alg: "ES256", Kid: a.o.Keys.kid, Signer: a.o.Signer,
		Iss: a.o.Provider.Issuer, Client: a.o.Provider.ClientID, Exp: exp.Unix()}, s.Claims)
	if err != nil {
		return err
	}
	r.Header["X-Amzn-Oidc-Accesstoken"] = []string{s.AccessToken}
	r.Header["X-Amzn-Oidc-Identity"] = []string{s.Subject}
	r.Header["X-Amzn-Oidc-Data"] = []string{data}
	return nil
}

// httpContext bounds one IdP call by idpTimeout and makes oauth2 and go-oidc use rec's client.
func (a *Authenticator) httpContext(parent context.Context, rec *callRecord, limit int64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, a.o.IdPTimeout)
	c := client(a.o.Transport, rec, limit)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c)
	return oidc.ClientContext(ctx, c), cancel
}

// missingHost reports an HTTP/1.0 request that came without Host: the router gave it the load
// balancer's DNS name (LST-05), possibly with the listener's port appended.
func (a *Authenticator) missingHost(r *http.Request) bool {
	if a.o.DNSName == "" || r.ProtoMajor != 1 || r.ProtoMinor != 0 {
		return false
	}
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.EqualFold(host, a.o.DNSName)
}

// unauthorizedError is a 401 the load balancer counts as its own error (ELBAuthError).
func unauthorizedError(reason string) *elberr.Error {
	return &elberr.Error{Status: http.StatusUnauthorized, Reason: reason, Source: elberr.SourceClient}
}
