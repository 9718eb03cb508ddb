package targetgroup

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Algorithm is a load_balancing.algorithm.type (ALG-01).
type Algorithm uint8

// Algorithms (ALG-01).
const (
	RoundRobin Algorithm = iota
	LeastOutstandingRequests
	WeightedRandom
)

// ParseAlgorithm reads an algorithm attribute value; "" means round_robin.
func ParseAlgorithm(s string) (Algorithm, error) {
	switch s {
	case "", "round_robin":
		return RoundRobin, nil
	case "least_outstanding_requests":
		return LeastOutstandingRequests, nil
	case "weighted_random":
		return WeightedRandom, nil
	}
	return RoundRobin, fmt.Errorf("unknown load_balancing.algorithm.type %q", s)
}

// pickRoundRobin takes eligible targets in turn, exactly evenly while the eligible set is
// stable. A target in slow start accepts its turn with a probability equal to its slow-start
// weight and passes it on otherwise (ALG-03), so its share rises linearly.
func (g *Group) pickRoundRobin(f filter, n int, now int64) *Target {
	var t *Target
	for range 4 * n {
		k := int((g.next.Add(1) - 1) % uint64(n))
		t = g.nth(f, k)
		if t == nil {
			return nil
		}
		if w := t.slowWeight(now); w >= 1 || rand.Float64() < w {
			return t
		}
	}
	return t
}

// pickLeastOutstanding takes the eligible target with the fewest requests in flight (ALG-01);
// ties are taken in turn so that equal targets share evenly. Slow start does not apply (ALG-02).
func (g *Group) pickLeastOutstanding(f filter) *Target {
	least, ties := int64(math.MaxInt64), 0
	for _, t := range g.targets {
		if !f.ok(t) {
			continue
		}
		switch c := t.Outstanding(); {
		case c < least:
			least, ties = c, 1
		case c == least:
			ties++
		}
	}
	if ties == 0 {
		return nil
	}
	k := int((g.next.Add(1) - 1) % uint64(ties))
	var last *Target
	for _, t := range g.targets {
		if f.ok(t) && t.Outstanding() == least {
			if k == 0 {
				return t
			}
			k--
			last = t
		}
	}
	return last // counts moved meanwhile
}

// pickWeightedRandom chooses at random in proportion to each target's weight: its slow-start
// weight, reduced to mitigatedWeight when anomaly mitigation is on and the target stands out
// (ALG-01 Automatic Target Weights).
func (g *Group) pickWeightedRandom(f filter, now int64) *Target {
	var errSum, latSum float64
	var n int
	if g.opts.AnomalyMitigation {
		errSum, latSum, n = groupSums(g.targets, f)
	}
	weight := func(t *Target) float64 {
		w := t.slowWeight(now)
		if g.opts.AnomalyMitigation && t.anomalous(errSum, latSum, n) {
			w *= mitigatedWeight
		}
		return w
	}
	total := 0.0
	var last *Target
	for _, t := range g.targets {
		if f.ok(t) {
			total += weight(t)
			last = t
		}
	}
	r := rand.Float64() * total
	for _, t := range g.targets {
		if !f.ok(t) {
			continue
		}
		if r -= weight(t); r < 0 {
			return t
		}
	}
	return last
}
