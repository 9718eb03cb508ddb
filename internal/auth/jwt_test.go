package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

const testIssuer = "https://issuer.test"

// jwksServer serves a key set over TLS and counts fetches.
type jwksServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	body    []byte
	fetches atomic.Int32
}

func startJWKS(t *testing.T, keys ...jose.JSONWebKey) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.setKeys(t, keys...)
	s.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		body := s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) setKeys(t *testing.T, keys ...jose.JSONWebKey) {
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	s.setBody(b)
}

func (s *jwksServer) setBody(b []byte) {
	s.mu.Lock()
	s.body = b
	s.mu.Unlock()
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publicJWK(k *rsa.PrivateKey, kid string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

// token signs claims with key under kid (alg from the key type, or HS256 for a []byte).
func token(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// validClaims are claims that pass: issuer, a future exp, a past nbf and iat.
func validClaims(extra map[string]any) map[string]any {
	now := time.Now().Unix()
	c := map[string]any{"iss": testIssuer, "sub": "client-1", "exp": now + 600, "nbf": now - 10, "iat": now - 10}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

type jwtResult struct {
	status    int
	challenge string
	ex        *observe.Exchange
	forwarded http.Header
}

func serveJWT(t *testing.T, v *JWTValidator, tg *target, authorization string) jwtResult {
	t.Helper()
	tg.header = nil
	ex := &observe.Exchange{}
	r := request("/api")
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	r = r.WithContext(observe.WithExchange(r.Context(), ex))
	w := httptest.NewRecorder()
	if err := v.ServeHTTP(w, r); err != nil {
		_ = elberr.Write(w, r, err.(*elberr.Error), true)
	}
	return jwtResult{status: w.Code, challenge: w.Header().Get("WWW-Authenticate"), ex: ex, forwarded: tg.header}
}

// TestJWTValidation is JWT-01 and JWT-02: RS256 signatures by a key of the set, iss, exp, nbf,
// iat and the additional claims in their three formats; valid tokens are forwarded unchanged,
// others refused with 401 and RFC 6750's challenge.
func TestJWTValidation(t *testing.T) {
	t.Parallel()
	key, other := rsaKey(t), rsaKey(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwks := startJWKS(t, publicJWK(key, "k1"))
	tg := &target{}
	v := NewJWTValidator(JWTOptions{JWKSEndpoint: jwks.srv.URL, Issuer: testIssuer, Transport: jwks.srv.Client().Transport,
		Claims: []ClaimRule{
			{Name: "tenant", Format: FormatSingleString, Values: []string{"acme", "globex"}},
			{Name: "groups", Format: FormatStringArray, Values: []string{"admin"}},
			{Name: "scope", Format: FormatSpaceSeparatedValues, Values: []string{"orders:read"}},
		}}, tg)
	good := map[string]any{"tenant": "globex", "groups": []string{"dev", "admin"}, "scope": "profile orders:read"}
	with := func(extra map[string]any) map[string]any {
		c := validClaims(good)
		for k, val := range extra {
			if val == nil {
				delete(c, k)
			} else {
				c[k] = val
			}
		}
		return c
	}
	now := time.Now().Unix()
	bad := `Bearer error="invalid_token"`
	testCases := []struct {
		desc          string
		authorization string
		wantStatus    int
		wantChallenge string
	}{
		{desc: "valid token", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(nil)), wantStatus: 200},
		{desc: "scheme is case-insensitive", authorization: "bearer " + token(t, jose.RS256, key, "k1", with(nil)), wantStatus: 200},
		{desc: "no token", wantStatus: 401, wantChallenge: "Bearer"},
		{desc: "another scheme", authorization: "Basic dTpw", wantStatus: 401, wantChallenge: "Bearer"},
		{desc: "not a JWT", authorization: "Bearer abc", wantStatus: 401, wantChallenge: bad},
		{desc: "signed by another key", authorization: "Bearer " + token(t, jose.RS256, other, "k1", with(nil)), wantStatus: 401, wantChallenge: bad},
		{desc: "HS256 with the public key as secret", authorization: "Bearer " + token(t, jose.HS256, []byte("k1-secret-0123456789abcdef0123456789"), "k1", with(nil)),
			wantStatus: 401, wantChallenge: bad},
		{desc: "ES256 is not accepted", authorization: "Bearer " + token(t, jose.ES256, ec, "k1", with(nil)), wantStatus: 401, wantChallenge: bad},
		{desc: "wrong issuer", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"iss": "https://evil.test"})), wantStatus: 401, wantChallenge: bad},
		{desc: "no iss", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"iss": nil})), wantStatus: 401, wantChallenge: bad},
		{desc: "no exp", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"exp": nil})), wantStatus: 401, wantChallenge: bad},
		{desc: "expired", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"exp": now - 120})), wantStatus: 401, wantChallenge: bad},
		{desc: "not yet valid", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"nbf": now + 300})), wantStatus: 401, wantChallenge: bad},
		{desc: "issued in the future", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"iat": now + 300})), wantStatus: 401, wantChallenge: bad},
		{desc: "nbf and iat are optional", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"nbf": nil, "iat": nil})), wantStatus: 200},
		{desc: "single-string not listed", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"tenant": "initech"})), wantStatus: 401, wantChallenge: bad},
		{desc: "single-string as array", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"tenant": []string{"acme"}})), wantStatus: 401, wantChallenge: bad},
		{desc: "string-array without the value", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"groups": []string{"dev"}})), wantStatus: 401, wantChallenge: bad},
		{desc: "string-array as string", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"groups": "admin"})), wantStatus: 401, wantChallenge: bad},
		{desc: "space-separated without the value", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"scope": "orders:readx"})), wantStatus: 401, wantChallenge: bad},
		{desc: "claim missing", authorization: "Bearer " + token(t, jose.RS256, key, "k1", with(map[string]any{"scope": nil})), wantStatus: 401, wantChallenge: bad},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			got := serveJWT(t, v, tg, tc.authorization)
			if got.status != tc.wantStatus || got.challenge != tc.wantChallenge {
				t.Errorf("got %d %q, want %d %q", got.status, got.challenge, tc.wantStatus, tc.wantChallenge)
			}
			if tc.wantStatus == 200 && got.forwarded.Get("Authorization") != tc.authorization {
				t.Error("the token was not forwarded unchanged")
			}
			if tc.wantStatus == 401 && (!got.ex.AuthFailed || got.forwarded != nil) {
				t.Error("a refused request was forwarded or not counted as ELBAuthFailure")
			}
			if got.ex.ActionsExecuted[0] != "authenticate" {
				t.Errorf("actions_executed = %v", got.ex.ActionsExecuted)
			}
		})
	}
	if n := jwks.fetches.Load(); n != 1 {
		t.Errorf("the key set was fetched %d times, want once (cached)", n)
	}
}

// TestJWKSRefreshAndLimits: an unknown kid refreshes the set (at most every 10 s); a set over
// 10 keys or 150 KB, or an unreachable endpoint, stops every request with 500 (JWT-02).
func TestJWKSRefreshAndLimits(t *testing.T) {
	t.Parallel()
	k1, k2 := rsaKey(t), rsaKey(t)
	jwks := startJWKS(t, publicJWK(k1, "k1"))
	clock := &testClock{}
	tg := &target{}
	v := NewJWTValidator(JWTOptions{JWKSEndpoint: jwks.srv.URL, Issuer: testIssuer, Transport: jwks.srv.Client().Transport, Now: clock.now}, tg)
	bearer := func(key *rsa.PrivateKey, kid string) string {
		return "Bearer " + token(t, jose.RS256, key, kid, validClaims(nil))
	}
	if got := serveJWT(t, v, tg, bearer(k1, "k1")); got.status != 200 {
		t.Fatalf("k1: %d", got.status)
	}
	jwks.setKeys(t, publicJWK(k1, "k1"), publicJWK(k2, "k2")) // the issuer rotates in k2
	if got := serveJWT(t, v, tg, bearer(k2, "k2")); got.status != 200 || jwks.fetches.Load() != 2 {
		t.Errorf("rotated key: %d after %d fetches, want 200 after a refresh", got.status, jwks.fetches.Load())
	}
	clock.advance(jwksMissInterval)
	for range 3 {
		if got := serveJWT(t, v, tg, bearer(k2, "made-up")); got.status != 401 {
			t.Errorf("unknown kid: %d", got.status)
		}
	}
	if n := jwks.fetches.Load(); n != 3 {
		t.Errorf("unknown kids caused %d fetches, want 1 within 10 s", n-2)
	}

	many := make([]jose.JSONWebKey, 11)
	for i := range many {
		many[i] = publicJWK(k1, "k"+strings.Repeat("x", i))
	}
	jwks.setKeys(t, many...)
	clock.advance(jwksMaxAge)
	if got := serveJWT(t, v, tg, bearer(k2, "k3")); got.status != 500 || !got.ex.AuthErrored {
		t.Errorf("11 keys: %d, errored %v; want 500 and ELBAuthError", got.status, got.ex.AuthErrored)
	}
	jwks.setBody([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", maxJWKSBytes) + `"}`))
	clock.advance(jwksMaxAge)
	if got := serveJWT(t, v, tg, bearer(k2, "k3")); got.status != 500 {
		t.Errorf("key set over 150 KB: %d, want 500", got.status)
	}
	down := NewJWTValidator(JWTOptions{JWKSEndpoint: "https://127.0.0.1:1/jwks", Issuer: testIssuer}, tg)
	if got := serveJWT(t, down, tg, bearer(k1, "k1")); got.status != 500 {
		t.Errorf("unreachable key set: %d, want 500", got.status)
	}
}
