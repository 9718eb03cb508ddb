// Package stickiness seals the values of the load balancer's stickiness cookies: AWSALB,
// AWSALBCORS and AWSALBAPP-0 (target stickiness, STK-01..03) and AWSALBTG, AWSALBTGCORS (target
// group stickiness, FWD-02). A value names a target or a target group by a short digest and
// carries an expiry, both authenticated with an HMAC, so that a client can neither forge its way
// to a target of its choice nor keep a cookie past its configured duration (§12.24). The key must
// be the same across reloads and restarts for clients to stay stuck.
package stickiness

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"time"
)

// Lifetime is the Expires of every stickiness cookie: the ALB always sets 7 days and enforces the
// configured duration through the expiry sealed in the value (STK-02).
const Lifetime = 7 * 24 * time.Hour

// Value layout: 8 bytes of digest, 8 bytes of expiry (unix seconds), 16 bytes of MAC.
const (
	digestLen = 8
	macLen    = 16
	valueLen  = digestLen + 8 + macLen
)

// Digest names what a cookie points at (a target group's ARN; a group's ARN and a target's
// address) in its value. Binding the group's ARN keeps a cookie issued by one group from naming a
// target of another.
func Digest(parts ...string) string {
	d := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return string(d[:digestLen])
}

// Sealer seals and opens cookie values with one key. It is safe for concurrent use.
type Sealer struct{ key []byte }

// NewSealer returns a sealer using key.
func NewSealer(key []byte) *Sealer { return &Sealer{key: key} }

// Seal returns the cookie value naming digest until expires.
func (s *Sealer) Seal(digest string, expires time.Time) string {
	var raw [valueLen]byte
	copy(raw[:digestLen], digest)
	binary.BigEndian.PutUint64(raw[digestLen:], uint64(expires.Unix()))
	copy(raw[digestLen+8:], s.mac(raw[:digestLen+8]))
	return base64.StdEncoding.EncodeToString(raw[:])
}

func (s *Sealer) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)[:macLen]
}

// Status says what Open found in a cookie value.
type Status int

// Statuses of a cookie value.
const (
	// Valid values name a digest and have not expired.
	Valid Status = iota
	// Expired values are authentic but past their sealed expiry: the request is routed afresh.
	Expired
	// Invalid values are undecodable or forged (FWD-02: AWSALBTGCookieInvalid for group cookies).
	Invalid
)

// Open returns the digest a cookie value names, and whether the value is valid at now.
func (s *Sealer) Open(value string, now time.Time) (digest string, status Status) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(raw) != valueLen || !hmac.Equal(raw[digestLen+8:], s.mac(raw[:digestLen+8])) {
		return "", Invalid
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(raw[digestLen:])) {
		return "", Expired
	}
	return string(raw[:digestLen]), Valid
}

// SetCookie adds the cookie name=value to h with the 7-day Expires and Path=/; cors adds the
// SameSite=None; Secure attributes of the *CORS variants (STK-02).
func SetCookie(h http.Header, name, value string, now time.Time, cors bool) {
	c := name + "=" + value + "; Expires=" + now.Add(Lifetime).UTC().Format(http.TimeFormat) + "; Path=/"
	if cors {
		c += "; SameSite=None; Secure"
	}
	h.Add("Set-Cookie", c)
}
