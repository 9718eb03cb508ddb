package auth

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestKeys: keys derive from the secret alone (they survive restarts), differ between secrets,
// and the public key is served by kid only.
func TestKeys(t *testing.T) {
	t.Parallel()
	a, _ := NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	b, _ := NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	c, _ := NewKeys([]byte("fedcba9876543210fedcba9876543210"))
	if a.KeyID() != b.KeyID() || !bytes.Equal(a.PublicKeyPEM(), b.PublicKeyPEM()) || !bytes.Equal(a.sessionKey, b.sessionKey) {
		t.Error("the same secret derived different keys")
	}
	if a.KeyID() == c.KeyID() || bytes.Equal(a.sessionKey, c.sessionKey) || bytes.Equal(a.sessionKey, a.stateKey) {
		t.Error("keys are shared between secrets or purposes")
	}
	if _, err := NewKeys([]byte("short")); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
	for path, want := range map[string]int{"/" + a.KeyID(): 200, "/" + c.KeyID(): 404, "/": 404} {
		w := httptest.NewRecorder()
		a.PublicKeyHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != want || (want == 200 && !bytes.Equal(w.Body.Bytes(), a.PublicKeyPEM())) {
			t.Errorf("GET %s: %d, want %d", path, w.Code, want)
		}
	}
}

// TestSeal: a sealed value opens with its key only, not after its expiry, and no change makes it
// open to anything else. (A flipped low bit in a segment's last base64 character decodes to the
// same bytes, so that string still opens, to the same value.)
func TestSeal(t *testing.T) {
	t.Parallel()
	s := sealer{key: bytes.Repeat([]byte{1}, 32)}
	now := time.Now()
	sealed, err := s.seal(map[string]string{"a": "b"}, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := s.open(sealed, &v, now); err != nil || v["a"] != "b" {
		t.Fatalf("open: %v %v", v, err)
	}
	if err := s.open(sealed, &v, now.Add(time.Minute)); err != errExpired {
		t.Errorf("after expiry: %v", err)
	}
	if err := (sealer{key: bytes.Repeat([]byte{2}, 32)}).open(sealed, &v, now); err != errUnsealed {
		t.Errorf("another key: %v", err)
	}
	for i := range len(sealed) {
		changed := []byte(sealed)
		changed[i] ^= 1
		var got map[string]string
		if err := s.open(string(changed), &got, now); err == nil && got["a"] != "b" {
			t.Fatalf("a change at byte %d opened to %v", i, got)
		}
	}
}

// FuzzOpen: whatever a client sends as a cookie or state, opening it fails cleanly.
func FuzzOpen(f *testing.F) {
	s := sealer{key: bytes.Repeat([]byte{1}, 32)}
	sealed, _ := s.seal("x", time.Now().Add(time.Hour))
	f.Add(sealed)
	f.Add("a.b.c.d.e")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		var v any
		if s.open(in, &v, time.Now()) == nil && v != "x" {
			t.Errorf("%q opened to %v, a value never sealed", in, v)
		}
	})
}

// FuzzBearerToken: the Authorization parser never panics and never returns an empty token.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer  x ", "Basic x", "Bearer", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if tok, ok := bearerToken(h); ok && tok == "" {
			t.Errorf("empty token from %q", h)
		}
	})
}
