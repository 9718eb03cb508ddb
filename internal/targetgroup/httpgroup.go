package targetgroup

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Forwarder sends a request to one target address; httptarget's Proxy implements it.
type Forwarder interface {
	Serve(w http.ResponseWriter, r *http.Request, addr string) error
}

// CutForwarder is a Forwarder that ends an exchange itself when cut is done, as it would for a
// canceled request context. The group hands it the target's cut (ALG-04) instead of deriving a
// cancelable context and a copy of the request per request, which cost ≈ 3 % of the proxy
// path's CPU for a cut that comes only at the end of a deregistration delay.
type CutForwarder interface {
	ServeCut(w http.ResponseWriter, r *http.Request, addr string, cut context.Context) error
}

// HTTPGroup serves requests for an instance or ip target group: it picks a target (or keeps the
// one a stickiness cookie names) and forwards.
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

var (
	errNoTargets = errors.New("target group has no registered targets")
	errCut       = errors.New("target deregistered: deregistration delay ended with the request in flight")
)

// ServeHTTP forwards r to the target chosen for it, or returns a 503 error when the group has no
// target that can take it (HC-06), or a 464 error when r's protocol does not fit the group's
// protocol version (H2-06). A request still in flight when its target's deregistration delay ends
// is cut: 502 if nothing was sent yet, else the response is aborted (ALG-04).
func (h *HTTPGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.TargetGroupARN = h.ARN
	if v := h.opts.ProtocolVersion; !v.Accepts(r) {
		return incompatible(v, r)
	}
	// One clock reading for the pick (slow start, stickiness) and the exchange's duration.
	start := time.Now()
	t, i := h.choose(r, ex, start)
	if t == nil {
		return &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceLoadBalancer, Err: errNoTargets}
	}
	if s := h.opts.Stickiness; s != nil {
		if s.appCookie == "" {
			s.setLB(w.Header(), h.digests[i], start)
		} else {
			w = &appCookieWriter{ResponseWriter: w, sticky: s, digest: h.digests[i]}
		}
	}
	t.outstanding.Add(1)
	defer t.outstanding.Add(-1)
	err := h.forward(w, r, t)
	if err != nil && t.cutCtx.Err() != nil {
		return &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceLoadBalancer, Err: errCut}
	}
	t.Record(targetFailed(err, ex.TargetStatus), time.Since(start))
	return err
}

// forward sends r to t, cut when t's deregistration delay runs out.
func (h *HTTPGroup) forward(w http.ResponseWriter, r *http.Request, t *Target) error {
	if cf, ok := h.forwarder.(CutForwarder); ok {
		return cf.ServeCut(w, r, t.Addr, t.cutCtx)
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(t.cutCtx, cancel)
	defer stop()
	return h.forwarder.Serve(w, r.WithContext(ctx), t.Addr)
}

// targetFailed reports whether an exchange counts against the target for anomaly mitigation: a
// 5XX it answered, or a failure blamed on it (not a client that went away).
func targetFailed(err error, status int) bool {
	if status >= 500 {
		return true
	}
	e, ok := errors.AsType[*elberr.Error](err) // errors.As would move e to the heap per request
	return ok && e.Source == elberr.SourceTarget
}

// choose returns the target for r at now and its index: the one a valid stickiness cookie names
// while it may take requests, else a fresh pick (STK-02: a stale, forged or unroutable cookie is
// replaced). i is -1 when no stickiness is configured. It marks ex for the metrics: a pick made
// while the group fails open (UnhealthyRoutingRequestCount) and a fresh pick in a sticky group
// (NonStickyRequestCount).
func (h *HTTPGroup) choose(r *http.Request, ex *observe.Exchange, now time.Time) (*Target, int) {
	f, n := h.eligible()
	if n == 0 {
		return nil, -1
	}
	ex.UnhealthyRouting = f.failOpen
	s := h.opts.Stickiness
	if s == nil {
		return h.pick(f, n, now.UnixNano()), -1
	}
	if digest, ok := s.requestDigest(r, now); ok {
		for i, d := range h.digests {
			if d == digest && f.ok(h.targets[i]) {
				return h.targets[i], i
			}
		}
	}
	ex.NonSticky = true
	t := h.pick(f, n, now.UnixNano())
	for i, c := range h.targets {
		if c == t {
			return t, i
		}
	}
	return nil, -1
}
