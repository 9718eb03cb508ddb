package auth

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Keys are the load balancer's own authentication secrets, all derived from one master secret so
// that they survive restarts and reloads with it: the keys sealing session cookies and login
// states, and the ES256 key signing x-amzn-oidc-data (AUTH-03). Keys is immutable and safe for
// concurrent use.
type Keys struct {
	sessionKey []byte
	stateKey   []byte
	signer     *ecdsa.PrivateKey
	kid        string
	publicPEM  []byte
}

// NewKeys derives the keys from secret (at least 16 bytes of randomness, e.g. the data
// directory's stickiness key).
func NewKeys(secret []byte) (*Keys, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("auth keys: want a secret of at least 16 bytes, got %d", len(secret))
	}
	derive := func(label string) ([]byte, error) {
		return hkdf.Key(sha256.New, secret, nil, "albatross auth "+label, 32)
	}
	k := &Keys{}
	var err error
	if k.sessionKey, err = derive("session cookie"); err != nil {
		return nil, err
	}
	if k.stateKey, err = derive("login state"); err != nil {
		return nil, err
	}
	if k.signer, err = deriveSigner(derive); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&k.signer.PublicKey)
	if err != nil {
		return nil, err
	}
	k.publicPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	sum := sha256.Sum256(der)
	h := hex.EncodeToString(sum[:16])
	// The kid has the shape of AWS's (a UUID), so that code parsing it as one keeps working.
	k.kid = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	return k, nil
}

// deriveSigner turns derived bytes into a P-256 private key. A candidate outside the scalar
// range (probability about 2^-32) is skipped for the next label.
func deriveSigner(derive func(string) ([]byte, error)) (*ecdsa.PrivateKey, error) {
	for i := range 8 {
		d, err := derive(fmt.Sprintf("oidc-data signer %d", i))
		if err != nil {
			return nil, err
		}
		if _, err := ecdh.P256().NewPrivateKey(d); err != nil {
			continue
		}
		return ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	}
	return nil, errors.New("auth keys: no valid P-256 scalar derived")
}

// KeyID is the kid of the x-amzn-oidc-data signing key.
func (k *Keys) KeyID() string { return k.kid }

// PublicKeyPEM is the signing key's public key as PEM ("PUBLIC KEY"), the format AWS serves at
// https://public-keys.auth.elb.<region>.amazonaws.com/<kid>.
func (k *Keys) PublicKeyPEM() []byte { return k.publicPEM }

// PublicKeyHandler serves GET <prefix>/<kid>: the PEM public key of that kid, 404 for any other.
// Mount it with the prefix stripped, e.g. at /auth/public-keys/.
func (k *Keys) PublicKeyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if strings.TrimPrefix(r.URL.Path, "/") != k.kid {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(k.publicPEM)
	})
}
