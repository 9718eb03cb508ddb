package targetgroup

import (
	"errors"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Picker chooses one target among eligible ones. Each selection algorithm (ALG-01) implements it.
type Picker interface {
	Pick(targets []*Target) *Target
}

// Group is one revision of an instance or ip target group: an immutable target list and the
// algorithm that picks among them.
type Group struct {
	// Name and ARN identify the group.
	Name, ARN string
	targets   []*Target
	picker    Picker
}

// NewGroup returns a group over targets choosing with picker (nil means round robin).
func NewGroup(name, arn string, targets []*Target, picker Picker) *Group {
	if picker == nil {
		picker = &RoundRobin{}
	}
	return &Group{Name: name, ARN: arn, targets: targets, picker: picker}
}

// Targets returns the registered targets. The slice must not be modified.
func (g *Group) Targets() []*Target { return g.targets }

// Pick returns the target for the next request, or nil when no target is registered (HC-06: the
// caller answers 503). Healthy targets are preferred; when none is healthy every target is
// eligible (fail-open, HC-05).
func (g *Group) Pick() *Target {
	switch len(g.targets) {
	case 0:
		return nil
	case 1:
		return g.targets[0]
	}
	healthy := 0
	for _, t := range g.targets {
		if t.Healthy() {
			healthy++
		}
	}
	if healthy == len(g.targets) || healthy == 0 {
		return g.picker.Pick(g.targets)
	}
	eligible := make([]*Target, 0, healthy)
	for _, t := range g.targets {
		if t.Healthy() {
			eligible = append(eligible, t)
		}
	}
	return g.picker.Pick(eligible)
}

// Forwarder sends a request to one target address; target/http's Proxy implements it.
type Forwarder interface {
	Serve(w http.ResponseWriter, r *http.Request, addr string) error
}

// HTTPGroup serves requests for an instance or ip target group: it picks a target and forwards.
type HTTPGroup struct {
	*Group
	forwarder Forwarder
}

// NewHTTPGroup returns a handler for g that forwards through f.
func NewHTTPGroup(g *Group, f Forwarder) *HTTPGroup {
	return &HTTPGroup{Group: g, forwarder: f}
}

// TargetGroupARN identifies the group in stickiness cookies and logs.
func (h *HTTPGroup) TargetGroupARN() string { return h.ARN }

// ServeHTTP forwards r to the target picked for it, or returns a 503 error when the group has no
// registered target (HC-06).
func (h *HTTPGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.TargetGroupARN = h.ARN
	t := h.Pick()
	if t == nil {
		return &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceLoadBalancer,
			Err: errNoTargets}
	}
	end := t.Begin()
	defer end()
	return h.forwarder.Serve(w, r, t.Addr)
}

var errNoTargets = errors.New("target group has no registered targets")
