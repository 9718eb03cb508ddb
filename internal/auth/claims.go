package auth

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// dataTokenLifetime is how long an x-amzn-oidc-data token is valid: it is made for one request,
// so targets must not keep it (docs/auth.md).
const dataTokenLifetime = 2 * time.Minute

// dataHeader is the JOSE header of x-amzn-oidc-data, with ALB's fields in ALB's order (AUTH-03).
type dataHeader struct {
	Alg    string `json:"alg"`
	Kid    string `json:"kid"`
	Signer string `json:"signer"`
	Iss    string `json:"iss"`
	Client string `json:"client"`
	Exp    int64  `json:"exp"`
}

// signUserClaims returns the x-amzn-oidc-data value: the user claims from the userinfo endpoint,
// with exp and iss set, as an ES256 JWT whose three segments are base64url WITH padding, the
// way ALB writes them (AUTH-03). The signature covers the padded segments, as ALB's does, so
// that verifiers written for ALB (which accept padding) verify it; libraries that insist on
// RFC 7515's unpadded form reject ALB's tokens too. The signature is the raw r||s of RFC 7518
// §3.4, made by the standard library.
func signUserClaims(key *ecdsa.PrivateKey, h dataHeader, userClaims map[string]any) (string, error) {
	claims := make(map[string]any, len(userClaims)+2)
	for k, v := range userClaims {
		claims[k] = v
	}
	claims["exp"] = h.Exp
	claims["iss"] = h.Iss
	header, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.URLEncoding.EncodeToString(header) + "." + base64.URLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.URLEncoding.EncodeToString(sig), nil
}
