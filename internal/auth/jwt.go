package auth

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Claim formats of JwtValidationActionAdditionalClaim (JWT-01).
const (
	FormatSingleString         = "single-string"
	FormatStringArray          = "string-array"
	FormatSpaceSeparatedValues = "space-separated-values"
)

// ClaimRule is one additional claim a token must carry: Name holds one of Values
// (single-string), or contains one of them (string-array, space-separated-values).
type ClaimRule struct {
	Name, Format string
	Values       []string
}

// JWTOptions configure a jwt-validation action.
type JWTOptions struct {
	JWKSEndpoint string
	Issuer       string
	Claims       []ClaimRule
	// Transport fetches the key set; nil means the shared transport.
	Transport http.RoundTripper
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// JWTValidator is a jwt-validation action (JWT-01, JWT-02): the request must carry an RS256
// bearer token from the issuer, signed by a key of the key set, within its validity and with
// the configured claims; it is then forwarded unchanged. It is safe for concurrent use.
type JWTValidator struct {
	o    JWTOptions
	next action.Handler
	keys *keySet
}

var _ action.Handler = (*JWTValidator)(nil)

// NewJWTValidator returns the action; next is the routing action it guards.
func NewJWTValidator(o JWTOptions, next action.Handler) *JWTValidator {
	if o.Transport == nil {
		o.Transport = sharedTransport
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &JWTValidator{o: o, next: next, keys: &keySet{endpoint: o.JWKSEndpoint, transport: o.Transport, now: o.Now}}
}

// tokenLeeway tolerates clock skew between the issuer and the load balancer on exp, nbf and iat.
const tokenLeeway = time.Minute

// Rejections (docs/auth.md): RFC 6750 §3's challenge, without an error code when the request
// carried no token, invalid_token otherwise.
var (
	errNoToken      = errors.New("auth: no bearer token")
	challengeNoAuth = []string{`Bearer`}
	challengeBad    = []string{`Bearer error="invalid_token"`}
)

// ServeHTTP checks the bearer token, then lets the routing action serve r.
func (v *JWTValidator) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.ActionsExecuted = append(ex.ActionsExecuted, NameAuthenticate)
	raw, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		ex.AuthFailed = true
		w.Header()["Www-Authenticate"] = challengeNoAuth
		return &elberr.Error{Status: http.StatusUnauthorized, Source: elberr.SourceClient, Err: errNoToken}
	}
	if err := v.check(r, raw); err != nil {
		if errors.Is(err, errKeySetUnusable) {
			ex.AuthErrored = true
			return &elberr.Error{Status: http.StatusInternalServerError, Source: elberr.SourceLoadBalancer, Err: err}
		}
		ex.AuthFailed = true
		w.Header()["Www-Authenticate"] = challengeBad
		return &elberr.Error{Status: http.StatusUnauthorized, Source: elberr.SourceClient, Err: err}
	}
	return v.next.ServeHTTP(w, r)
}

// bearerToken reads RFC 6750 §2.1's Authorization: Bearer <token>.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// errKeySetUnusable wraps key set failures that are no fault of the token: the endpoint is
// unreachable or its set is over the limits (JWT-02), so the request is not forwarded (500).
var errKeySetUnusable = errors.New("auth: key set unusable")

// check verifies the signature (RS256 only), iss, exp, nbf, iat and the additional claims.
func (v *JWTValidator) check(r *http.Request, raw string) error {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return err
	}
	key, err := v.keys.key(r.Context(), tok.Headers[0].KeyID)
	if err != nil {
		if errors.Is(err, errUnknownKey) {
			return err
		}
		return errors.Join(errKeySetUnusable, err)
	}
	if _, isRSA := key.Key.(*rsa.PublicKey); !isRSA {
		return errUnknownKey // RS256 only (JWT-02)
	}
	var std jwt.Claims
	var all map[string]any
	if err := tok.Claims(key.Key, &std, &all); err != nil {
		return err
	}
	if std.Issuer == "" || std.Expiry == nil {
		return errors.New("auth: token lacks iss or exp")
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: v.o.Issuer, Time: v.o.Now()}, tokenLeeway); err != nil {
		return err
	}
	for _, c := range v.o.Claims {
		if !c.matches(all[c.Name]) {
			return errors.New("auth: claim " + c.Name + " does not match")
		}
	}
	return nil
}

// matches reports whether a token's claim value satisfies the rule.
func (c ClaimRule) matches(value any) bool {
	var have []string
	switch c.Format {
	case FormatSingleString:
		s, ok := value.(string)
		if !ok {
			return false
		}
		have = []string{s}
	case FormatStringArray:
		list, ok := value.([]any)
		if !ok {
			return false
		}
		for _, item := range list {
			s, ok := item.(string)
			if !ok {
				return false
			}
			have = append(have, s)
		}
	case FormatSpaceSeparatedValues:
		s, ok := value.(string)
		if !ok {
			return false
		}
		have = strings.Fields(s)
	default:
		return false
	}
	for _, want := range c.Values {
		if slices.Contains(have, want) {
			return true
		}
	}
	return false
}
