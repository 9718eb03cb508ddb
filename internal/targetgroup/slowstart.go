package targetgroup

import "time"

// groupSettings are the settings of the newest revision of a target's group that targets need
// on their own: slow start when they turn healthy, the delay when they are deregistered.
type groupSettings struct {
	slowStart time.Duration
	delay     time.Duration
	peers     []*Target
}

// maybeSlowStart starts the slow-start window of a target that just turned healthy (ALG-03):
// only when slow start is on and some other target of the group is healthy and out of slow
// start, so that neither targets already healthy when it is enabled nor a first batch registered
// into an empty group are slowed.
func (t *Target) maybeSlowStart(now time.Time) {
	gs := t.settings.Load()
	if gs == nil || gs.slowStart <= 0 {
		return
	}
	n := now.UnixNano()
	for _, p := range gs.peers {
		if p != t && p.State() == StateHealthy && p.slowWeight(n) >= 1 {
			t.slowFrom.Store(n)
			t.slowUntil.Store(n + int64(gs.slowStart))
			return
		}
	}
}

// minSlowWeight keeps a target at the very start of its window reachable at all.
const minSlowWeight = 0.01

// slowWeight is the target's share relative to a target out of slow start: rising linearly from
// 0 to 1 over the window (ALG-03), 1 outside it.
func (t *Target) slowWeight(now int64) float64 {
	until := t.slowUntil.Load()
	if until == 0 || now >= until {
		return 1
	}
	from := t.slowFrom.Load()
	w := float64(now-from) / float64(until-from)
	return max(w, minSlowWeight)
}

// InSlowStart reports whether the target is within its slow-start window.
func (t *Target) InSlowStart() bool { return t.slowWeight(time.Now().UnixNano()) < 1 }
