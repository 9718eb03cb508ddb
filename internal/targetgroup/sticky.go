package targetgroup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"time"
)

// Cookie names of target stickiness (STK-02, STK-03).
const (
	cookieLB     = "AWSALB"
	cookieLBCORS = "AWSALBCORS"
	// cookieApp is the first (and, as Albatross's values are short, only) AWSALBAPP shard.
	cookieApp = "AWSALBAPP-0"
)

// cookieLifetime is the Expires of every stickiness cookie: always 7 days, the configured duration
// being enforced through the expiry sealed in the value (STK-02).
const cookieLifetime = 7 * 24 * time.Hour

// Stickiness pins clients to targets (STK-01): lb_cookie with AWSALB/AWSALBCORS set by the load
// balancer, or app_cookie with AWSALBAPP-0 set once the target sets the application cookie. A
// cookie value seals the target's identity (bound to the group's ARN) and an expiry with an
// HMAC, so a client cannot forge its way to a target of its choice (§12.24). It is safe for
// concurrent use.
type Stickiness struct {
	key       []byte
	duration  time.Duration
	appCookie string
}

// NewLBCookieStickiness returns lb_cookie stickiness lasting d
// (stickiness.lb_cookie.duration_seconds). key must be the same across reloads and restarts for
// clients to stay stuck.
func NewLBCookieStickiness(key []byte, d time.Duration) *Stickiness {
	return &Stickiness{key: key, duration: d}
}

// NewAppCookieStickiness returns app_cookie stickiness keyed on the application cookie name
// (stickiness.app_cookie.cookie_name), lasting d (stickiness.app_cookie.duration_seconds).
func NewAppCookieStickiness(key []byte, name string, d time.Duration) *Stickiness {
	return &Stickiness{key: key, duration: d, appCookie: name}
}

// Value layout: 8 bytes of target digest, 8 bytes of expiry (unix seconds), 16 bytes of MAC.
const (
	digestLen = 8
	macLen    = 16
	valueLen  = digestLen + 8 + macLen
)

// targetDigest names a target of a group in cookie values; the ARN keeps a cookie issued by one
// group from naming a target of another.
func targetDigest(arn, addr string) string {
	d := sha256.Sum256([]byte(arn + "\x00" + addr))
	return string(d[:digestLen])
}

func (s *Stickiness) seal(digest string, expires time.Time) string {
	var raw [valueLen]byte
	copy(raw[:digestLen], digest)
	binary.BigEndian.PutUint64(raw[digestLen:], uint64(expires.Unix()))
	copy(raw[digestLen+8:], s.mac(raw[:digestLen+8]))
	return base64.StdEncoding.EncodeToString(raw[:])
}

func (s *Stickiness) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)[:macLen]
}

// open returns the digest a cookie value names, or ok false for a value that is undecodable,
// forged, or past its sealed expiry (STK-02: the request is then routed afresh).
func (s *Stickiness) open(value string, now time.Time) (digest string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(raw) != valueLen || !hmac.Equal(raw[digestLen+8:], s.mac(raw[:digestLen+8])) {
		return "", false
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(raw[digestLen:])) {
		return "", false
	}
	return string(raw[:digestLen]), true
}

// requestDigest returns the target digest named by the request's stickiness cookie, if valid.
// AWSALBCORS stands in for AWSALB on cross-origin requests that only carry it.
func (s *Stickiness) requestDigest(r *http.Request, now time.Time) (string, bool) {
	names := []string{cookieLB, cookieLBCORS}
	if s.appCookie != "" {
		names = []string{cookieApp}
	}
	for _, name := range names {
		if c, err := r.Cookie(name); err == nil {
			return s.open(c.Value, now)
		}
	}
	return "", false
}

// setLB adds AWSALB and AWSALBCORS naming the target, refreshed on every response (STK-02).
func (s *Stickiness) setLB(h http.Header, digest string, now time.Time) {
	v := s.seal(digest, now.Add(s.duration))
	expires := now.Add(cookieLifetime).UTC().Format(http.TimeFormat)
	h.Add("Set-Cookie", cookieLB+"="+v+"; Expires="+expires+"; Path=/")
	h.Add("Set-Cookie", cookieLBCORS+"="+v+"; Expires="+expires+"; Path=/; SameSite=None; Secure")
}

// setApp adds AWSALBAPP-0 naming the target (STK-03).
func (s *Stickiness) setApp(h http.Header, digest string, now time.Time) {
	v := s.seal(digest, now.Add(s.duration))
	expires := now.Add(cookieLifetime).UTC().Format(http.TimeFormat)
	h.Add("Set-Cookie", cookieApp+"="+v+"; Expires="+expires+"; Path=/")
}

// setsAppCookie reports whether response headers h set the application cookie.
func (s *Stickiness) setsAppCookie(h http.Header) bool {
	for _, line := range h["Set-Cookie"] {
		name, _, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(name) == s.appCookie {
			return true
		}
	}
	return false
}

// appCookieWriter adds AWSALBAPP-0 to a response whose target sets the application cookie
// (STK-03). Unwrap keeps http.ResponseController (flush, hijack) working through it.
type appCookieWriter struct {
	http.ResponseWriter
	sticky *Stickiness
	digest string
	done   bool
}

func (w *appCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *appCookieWriter) WriteHeader(code int) {
	if !w.done && code >= 200 {
		w.done = true
		if w.sticky.setsAppCookie(w.Header()) {
			w.sticky.setApp(w.Header(), w.digest, time.Now())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *appCookieWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *appCookieWriter) Flush() {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
