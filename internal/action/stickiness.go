package action

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"
)

// Cookie names of target group stickiness (FWD-02).
const (
	cookieTG     = "AWSALBTG"
	cookieTGCORS = "AWSALBTGCORS"
)

// cookieLifetime is the Expires of stickiness cookies: ALB always sets 7 days and enforces the
// configured duration through the value itself (STK-02).
const cookieLifetime = 7 * 24 * time.Hour

// Stickiness issues and checks AWSALBTG cookies. The value binds the chosen target group and an
// expiry with an HMAC, so a client cannot forge its way to a group of its choice (§12.24).
type Stickiness struct {
	key      []byte
	duration time.Duration
}

// NewStickiness returns cookie handling for a forward action; key authenticates the values and
// must be the same for every revision of the configuration, so that reloads keep clients stuck.
func NewStickiness(key []byte, duration time.Duration) *Stickiness {
	return &Stickiness{key: key, duration: duration}
}

type cookieStatus int

const (
	cookieAbsent cookieStatus = iota
	cookieValid
	cookieExpired
	cookieInvalid
)

// Value layout: 8 bytes of group-ARN digest, 8 bytes of expiry (unix seconds), 16 bytes of MAC.
const (
	groupLen = 8
	macLen   = 16
	valueLen = groupLen + 8 + macLen
)

// value returns the cookie value naming the group of digest (see digestOf) until expires.
func (s *Stickiness) value(digest string, expires time.Time) string {
	var raw [valueLen]byte
	copy(raw[:groupLen], digest)
	binary.BigEndian.PutUint64(raw[groupLen:], uint64(expires.Unix()))
	copy(raw[groupLen+8:], s.mac(raw[:groupLen+8]))
	return base64.StdEncoding.EncodeToString(raw[:])
}

func (s *Stickiness) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)[:macLen]
}

// read returns the group digest (see digestOf) named by the request's AWSALBTG cookie.
func (s *Stickiness) read(r *http.Request, now time.Time) (groupDigest string, status cookieStatus) {
	c, err := r.Cookie(cookieTG)
	if err != nil {
		return "", cookieAbsent
	}
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != valueLen || !hmac.Equal(raw[groupLen+8:], s.mac(raw[:groupLen+8])) {
		return "", cookieInvalid
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(raw[groupLen:])) {
		return "", cookieExpired
	}
	return string(raw[:groupLen]), cookieValid
}

// set adds the AWSALBTG and AWSALBTGCORS cookies naming the group of digest (see digestOf),
// refreshed on every response.
func (s *Stickiness) set(w http.ResponseWriter, digest string, now time.Time) {
	v := s.value(digest, now.Add(s.duration))
	expires := now.Add(cookieLifetime).UTC().Format(http.TimeFormat)
	h := w.Header()
	h.Add("Set-Cookie", cookieTG+"="+v+"; Expires="+expires+"; Path=/")
	h.Add("Set-Cookie", cookieTGCORS+"="+v+"; Expires="+expires+"; Path=/; SameSite=None; Secure")
}

// digestOf returns the form in which a cookie names a group.
func digestOf(arn string) string {
	d := sha256.Sum256([]byte(arn))
	return string(d[:groupLen])
}
