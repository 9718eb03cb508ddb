package auth

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// sealer turns values into JWE compact strings (direct AES-256-GCM, DEFLATE compression) that a
// client can neither read nor change without the key, and back.
type sealer struct{ key []byte }

// errUnsealed reports a value that was not sealed with the key, was changed, or has expired.
var errUnsealed = errors.New("auth: sealed value is invalid")

// errExpired reports a genuine sealed value past its expiry.
var errExpired = errors.New("auth: sealed value has expired")

// sealedEnvelope wraps a value with its expiry, so that an old sealed value cannot be replayed
// past it.
type sealedEnvelope struct {
	Expires int64           `json:"exp"`
	Value   json.RawMessage `json:"v"`
}

func (s sealer) seal(v any, expires time.Time) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(sealedEnvelope{Expires: expires.Unix(), Value: raw})
	if err != nil {
		return "", err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: s.key},
		&jose.EncrypterOptions{Compression: jose.DEFLATE})
	if err != nil {
		return "", err
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// open decrypts a sealed value into v. It fails with errUnsealed for anything not sealed by
// this key, and with errExpired for a value whose expiry has passed.
func (s sealer) open(sealed string, v any, now time.Time) error {
	obj, err := jose.ParseEncryptedCompact(sealed, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return errUnsealed
	}
	plain, err := obj.Decrypt(s.key)
	if err != nil {
		return errUnsealed
	}
	var env sealedEnvelope
	if json.Unmarshal(plain, &env) != nil {
		return errUnsealed
	}
	if now.Unix() >= env.Expires {
		return errExpired
	}
	if json.Unmarshal(env.Value, v) != nil {
		return errUnsealed
	}
	return nil
}
