package targetgroup

import (
	"net/http"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/stickiness"
)

// Cookie names of target stickiness (STK-02, STK-03).
const (
	cookieLB     = "AWSALB"
	cookieLBCORS = "AWSALBCORS"
	// cookieApp is the first (and, as Albatross's values are short, only) AWSALBAPP shard.
	cookieApp = "AWSALBAPP-0"
)

// Stickiness pins clients to targets (STK-01): lb_cookie with AWSALB/AWSALBCORS set by the load
// balancer, or app_cookie with AWSALBAPP-0 set once the target sets the application cookie. A
// cookie value seals the target's identity (bound to the group's ARN) and an expiry with an
// HMAC (package stickiness), so a client cannot forge its way to a target of its choice (§12.24).
// It is safe for concurrent use.
type Stickiness struct {
	sealer    *stickiness.Sealer
	duration  time.Duration
	appCookie string
}

// NewLBCookieStickiness returns lb_cookie stickiness lasting d
// (stickiness.lb_cookie.duration_seconds). key must be the same across reloads and restarts for
// clients to stay stuck.
func NewLBCookieStickiness(key []byte, d time.Duration) *Stickiness {
	return &Stickiness{sealer: stickiness.NewSealer(key), duration: d}
}

// NewAppCookieStickiness returns app_cookie stickiness keyed on the application cookie name
// (stickiness.app_cookie.cookie_name), lasting d (stickiness.app_cookie.duration_seconds).
func NewAppCookieStickiness(key []byte, name string, d time.Duration) *Stickiness {
	return &Stickiness{sealer: stickiness.NewSealer(key), duration: d, appCookie: name}
}

// targetDigest names a target of a group in cookie values.
func targetDigest(arn, addr string) string { return stickiness.Digest(arn, addr) }

// requestDigest returns the target digest named by the request's stickiness cookie, if valid.
// AWSALBCORS stands in for AWSALB on cross-origin requests that only carry it.
func (s *Stickiness) requestDigest(r *http.Request, now time.Time) (string, bool) {
	names := []string{cookieLB, cookieLBCORS}
	if s.appCookie != "" {
		names = []string{cookieApp}
	}
	for _, name := range names {
		if c, err := r.Cookie(name); err == nil {
			// Undecodable, forged or expired values route afresh (STK-02).
			d, status := s.sealer.Open(c.Value, now)
			return d, status == stickiness.Valid
		}
	}
	return "", false
}

// setLB adds AWSALB and AWSALBCORS naming the target, refreshed on every response (STK-02).
func (s *Stickiness) setLB(h http.Header, digest string, now time.Time) {
	v := s.sealer.Seal(digest, now.Add(s.duration))
	stickiness.SetCookie(h, cookieLB, v, now, false)
	stickiness.SetCookie(h, cookieLBCORS, v, now, true)
}

// setApp adds AWSALBAPP-0 naming the target (STK-03).
func (s *Stickiness) setApp(h http.Header, digest string, now time.Time) {
	stickiness.SetCookie(h, cookieApp, s.sealer.Seal(digest, now.Add(s.duration)), now, false)
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
