package targetgroup

import (
	"math"
	"sync/atomic"
	"time"
)

// stats are a target's recent error rate and latency as exponentially weighted moving averages,
// the input of anomaly mitigation (ALG-01 "Automatic Target Weights"). Updates are lock-free.
type stats struct {
	errRate atomic.Uint64 // float64 bits, 0..1
	latency atomic.Uint64 // float64 bits, seconds
	samples atomic.Int64
}

// ewmaAlpha weighs the newest request: about the last 20 requests matter.
const ewmaAlpha = 0.05

func updateEWMA(v *atomic.Uint64, sample float64) {
	for {
		old := v.Load()
		next := math.Float64frombits(old)*(1-ewmaAlpha) + sample*ewmaAlpha
		if v.CompareAndSwap(old, math.Float64bits(next)) {
			return
		}
	}
}

// Record adds one finished request: whether it failed (a 5XX from the target, or no response)
// and how long it took.
func (t *Target) Record(failed bool, took time.Duration) {
	e := 0.0
	if failed {
		e = 1
	}
	updateEWMA(&t.stats.errRate, e)
	updateEWMA(&t.stats.latency, took.Seconds())
	t.stats.samples.Add(1)
}

func (t *Target) errRate() float64 { return math.Float64frombits(t.stats.errRate.Load()) }
func (t *Target) latency() float64 { return math.Float64frombits(t.stats.latency.Load()) }

// Anomaly thresholds. A target is anomalous when, with enough samples, its error rate exceeds
// the group's mean by anomalyErrMargin and twice over, or its latency is anomalyLatencyFactor
// times the mean of the group. Mitigated targets keep mitigatedWeight of their share, never 0, so
// that they are seen recovering.
const (
	anomalyMinSamples    = 20
	anomalyErrMargin     = 0.05
	anomalyLatencyFactor = 3
	mitigatedWeight      = 0.1
)

// groupSums returns the summed error rates and latencies over the targets f admits, and their
// number, so that each target can be compared with the mean of the others.
func groupSums(targets []*Target, f filter) (errSum, latSum float64, n int) {
	for _, t := range targets {
		if f.ok(t) {
			errSum += t.errRate()
			latSum += t.latency()
			n++
		}
	}
	return errSum, latSum, n
}

// anomalous reports whether t, one of n admitted targets, stands out from the mean of the others
// (ALG-01 anomaly mitigation).
func (t *Target) anomalous(errSum, latSum float64, n int) bool {
	if n < 2 || t.stats.samples.Load() < anomalyMinSamples {
		return false
	}
	e, l := t.errRate(), t.latency()
	errOthers := (errSum - e) / float64(n-1)
	latOthers := (latSum - l) / float64(n-1)
	if e > errOthers+anomalyErrMargin && e > 2*errOthers {
		return true
	}
	return latOthers > 0 && l > anomalyLatencyFactor*latOthers && l-latOthers > 0.005
}

// AnomalyCounts returns AnomalousHostCount and MitigatedHostCount (§9.2, ALG-01): the
// routable targets that stand out from the others now, and those of them given less traffic.
// Detection belongs to Automatic Target Weights, so only a weighted_random group reports any;
// a target is mitigated when its group has anomaly_mitigation on.
func (g *Group) AnomalyCounts() (anomalous, mitigated int) {
	if g.opts.Algorithm != WeightedRandom {
		return 0, 0
	}
	f, _ := g.eligible()
	errSum, latSum, n := groupSums(g.targets, f)
	for _, t := range g.targets {
		if f.ok(t) && t.anomalous(errSum, latSum, n) {
			anomalous++
		}
	}
	if g.opts.AnomalyMitigation {
		mitigated = anomalous
	}
	return anomalous, mitigated
}
