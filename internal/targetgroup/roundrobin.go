package targetgroup

import "sync/atomic"

// RoundRobin picks targets in turn (ALG-01 round_robin, the default). It is safe for concurrent
// use and does not allocate.
type RoundRobin struct {
	next atomic.Uint64
}

// Pick returns the next of targets; targets must not be empty.
func (rr *RoundRobin) Pick(targets []*Target) *Target {
	n := rr.next.Add(1) - 1
	return targets[n%uint64(len(targets))]
}
