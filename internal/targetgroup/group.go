package targetgroup

import (
	"sync/atomic"
	"time"
)

// Options configure a target group revision (§10.3). The zero value is the AWS default: round
// robin, no slow start, no stickiness, fail-open below one healthy target, no delay.
type Options struct {
	// Algorithm chooses among eligible targets (ALG-01). Zero means round robin.
	Algorithm Algorithm
	// AnomalyMitigation gives targets whose error rate or latency stands out less traffic; it only
	// applies to weighted random (ALG-01).
	AnomalyMitigation bool
	// SlowStart is slow_start.duration_seconds (ALG-03). Zero means off. Ignored by least
	// outstanding requests (ALG-02).
	SlowStart time.Duration
	// DeregistrationDelay is how long a removed target drains before requests still in flight on
	// it are cut (ALG-04). Zero cuts at once.
	DeregistrationDelay time.Duration
	// MinHealthyCount and MinHealthyPercent are the unhealthy_state_routing thresholds (HC-05):
	// below either, every registered target gets traffic. Zero count means 1; zero percent is off.
	MinHealthyCount, MinHealthyPercent int
	// Stickiness pins clients to targets with AWSALB or AWSALBAPP cookies (STK-01). nil is off.
	Stickiness *Stickiness
	// ProtocolVersion decides which requests the group takes (H2-06: others get 464). Zero is
	// HTTP1, which takes every request. The Forwarder must speak the same version to targets.
	ProtocolVersion ProtocolVersion
}

// Group is one revision of an instance or ip target group: an immutable target list and the
// algorithm that picks among them. Pick is safe for concurrent use, lock-free and does not
// allocate.
type Group struct {
	// Name and ARN identify the group.
	Name, ARN string
	targets   []*Target
	opts      Options
	next      atomic.Uint64
	// digests[i] names targets[i] in stickiness cookies.
	digests []string
}

// NewGroup returns a group over targets. It changes nothing on the targets, which may be
// serving a running revision: Activate does, once the revision is committed.
func NewGroup(name, arn string, targets []*Target, o Options) *Group {
	g := &Group{Name: name, ARN: arn, targets: targets, opts: o}
	for _, t := range targets {
		g.digests = append(g.digests, targetDigest(arn, t.Addr))
	}
	return g
}

// Activate records the group's slow-start and deregistration settings on its targets, for them to
// use when they turn healthy or are removed. Call it when the revision goes live, never for one
// that may still be rejected: a rejected reload must not change how live targets drain.
func (g *Group) Activate() {
	gs := &groupSettings{slowStart: g.opts.SlowStart, delay: g.opts.DeregistrationDelay, peers: g.targets}
	for _, t := range g.targets {
		t.settings.Store(gs)
	}
}

// Targets returns the registered targets. The slice must not be modified.
func (g *Group) Targets() []*Target { return g.targets }

// Options returns the options the group was built with.
func (g *Group) Options() Options { return g.opts }

// filter says which targets a pick may return: healthy ones, or every routable one when the
// group routes as if all were healthy (fail-open, HC-05).
type filter struct{ failOpen bool }

func (f filter) ok(t *Target) bool {
	s := t.status.Load().state
	return routable(s) && (f.failOpen || healthyState(s))
}

// eligible returns the filter in force and how many targets it admits; 0 means no target is
// registered, or all are draining or unused (HC-06: 503).
func (g *Group) eligible() (filter, int) {
	registered, healthy := 0, 0
	for _, t := range g.targets {
		s := t.status.Load().state
		if routable(s) {
			registered++
			if healthyState(s) {
				healthy++
			}
		}
	}
	if registered == 0 {
		return filter{}, 0
	}
	if g.belowThreshold(healthy, registered) {
		return filter{failOpen: true}, registered
	}
	return filter{}, healthy
}

// belowThreshold reports whether the healthy targets are too few (HC-05): fewer than
// minimum_healthy_targets.count (default 1, so "all unhealthy" fails open) or, when set, than
// minimum_healthy_targets.percentage of the registered ones.
func (g *Group) belowThreshold(healthy, registered int) bool {
	minCount := max(g.opts.MinHealthyCount, 1)
	if healthy < minCount {
		return true
	}
	p := g.opts.MinHealthyPercent
	return p > 0 && healthy*100 < p*registered
}

// Pick returns the target for the next request, or nil when no target can take one (HC-06: the
// caller answers 503). Healthy targets are preferred; below the unhealthy-state-routing
// threshold every registered target is eligible (fail-open, HC-05). Draining targets never are.
func (g *Group) Pick() *Target {
	f, n := g.eligible()
	if n == 0 {
		return nil
	}
	return g.pick(f, n, time.Now().UnixNano())
}

// pick runs the group's algorithm over the n targets f admits (n > 0), at now in unix
// nanoseconds.
func (g *Group) pick(f filter, n int, now int64) *Target {
	switch g.opts.Algorithm {
	case LeastOutstandingRequests:
		return g.pickLeastOutstanding(f)
	case WeightedRandom:
		return g.pickWeightedRandom(f, now)
	default:
		return g.pickRoundRobin(f, n, now)
	}
}

// nth returns the k-th target f admits, or the first when states changed since counting.
func (g *Group) nth(f filter, k int) *Target {
	var first *Target
	for _, t := range g.targets {
		if !f.ok(t) {
			continue
		}
		if k == 0 {
			return t
		}
		k--
		if first == nil {
			first = t
		}
	}
	return first
}
