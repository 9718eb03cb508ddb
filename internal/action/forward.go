package action

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/stickiness"
)

// Weighted is one target group of a forward action with its weight (FWD-01: 0..999).
type Weighted struct {
	Group  TargetGroup
	Weight int
}

// Forward sends requests to one target group, or splits them by weight over several (FWD-01),
// optionally pinning a client to the group first chosen for it (FWD-02, FWD-03).
type Forward struct {
	groups []Weighted
	// digests are the groups' ARN digests, as stickiness cookies name them.
	digests []string
	total   int
	sticky  *Stickiness
}

// NewForward returns the action. sticky may be nil (no target group stickiness).
func NewForward(groups []Weighted, sticky *Stickiness) *Forward {
	f := &Forward{groups: groups, sticky: sticky}
	for _, g := range groups {
		f.total += g.Weight
		f.digests = append(f.digests, digestOf(g.Group.TargetGroupARN()))
	}
	if len(groups) == 1 {
		f.sticky = nil // FWD-02: the cookie only matters when there is a choice to keep.
	}
	return f
}

var errAllWeightsZero = errors.New("every target group of the forward action has weight 0")

// ServeHTTP chooses the target group and lets it serve r.
func (f *Forward) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.ActionsExecuted = append(ex.ActionsExecuted, NameForward)
	if len(f.groups) == 1 {
		return f.groups[0].Group.ServeHTTP(w, r)
	}
	i, now := -1, time.Time{}
	if f.sticky != nil {
		now = time.Now() // one clock read for checking the cookie and issuing its successor
		i = f.stuckGroup(r, ex, now)
	}
	if i < 0 {
		i = f.pick()
	}
	if i < 0 {
		return &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceLoadBalancer, Err: errAllWeightsZero}
	}
	if f.sticky != nil {
		f.sticky.set(w, f.digests[i], now)
	}
	return f.groups[i].Group.ServeHTTP(w, r)
}

// stuckGroup returns the index of the group named by a valid stickiness cookie, or -1. An
// invalid cookie is recorded as AWSALBTGCookieInvalid (FWD-03) and the request is routed by
// weight.
func (f *Forward) stuckGroup(r *http.Request, ex *observe.Exchange, now time.Time) int {
	digest, status, ok := f.sticky.read(r, now)
	switch {
	case !ok || status == stickiness.Expired:
		return -1
	case status == stickiness.Invalid:
		ex.ErrorReason = "AWSALBTGCookieInvalid"
		return -1
	}
	for i, g := range f.groups {
		if g.Weight > 0 && f.digests[i] == digest {
			return i
		}
	}
	return -1
}

// pick chooses the index of a group at random in proportion to the weights, or -1 when every
// weight is 0; weight 0 never receives traffic.
func (f *Forward) pick() int {
	if f.total == 0 {
		return -1
	}
	n := rand.IntN(f.total)
	for i, g := range f.groups {
		if n < g.Weight {
			return i
		}
		n -= g.Weight
	}
	return -1
}
