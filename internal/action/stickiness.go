package action

import (
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/stickiness"
)

// Cookie names of target group stickiness (FWD-02).
const (
	cookieTG     = "AWSALBTG"
	cookieTGCORS = "AWSALBTGCORS"
)

// Stickiness issues and checks AWSALBTG cookies. The value binds the chosen target group and an
// expiry with an HMAC (package stickiness), so a client cannot forge its way to a group of its
// choice (§12.24).
type Stickiness struct {
	sealer   *stickiness.Sealer
	duration time.Duration
}

// NewStickiness returns cookie handling for a forward action; key authenticates the values and
// must be the same for every revision of the configuration, so that reloads keep clients stuck.
func NewStickiness(key []byte, duration time.Duration) *Stickiness {
	return &Stickiness{sealer: stickiness.NewSealer(key), duration: duration}
}

// read returns the group digest (see digestOf) named by the request's AWSALBTG cookie; ok is
// false when there is none.
func (s *Stickiness) read(r *http.Request, now time.Time) (groupDigest string, status stickiness.Status, ok bool) {
	c, err := r.Cookie(cookieTG)
	if err != nil {
		return "", 0, false
	}
	d, st := s.sealer.Open(c.Value, now)
	return d, st, true
}

// set adds the AWSALBTG and AWSALBTGCORS cookies naming the group of digest (see digestOf),
// refreshed on every response.
func (s *Stickiness) set(w http.ResponseWriter, digest string, now time.Time) {
	v := s.sealer.Seal(digest, now.Add(s.duration))
	stickiness.SetCookie(w.Header(), cookieTG, v, now, false)
	stickiness.SetCookie(w.Header(), cookieTGCORS, v, now, true)
}

// digestOf returns the form in which a cookie names a group.
func digestOf(arn string) string { return stickiness.Digest(arn) }
