package function

import "time"

// backoff spaces out cold-start attempts after init failures, so that a broken function fails
// fast instead of spawning a process for every request (B.5 "suppressed init" would retry at
// every invoke; we retry at most once per delay). The delay doubles from base up to max and
// resets after a successful init. Not safe for concurrent use: the pool guards it.
type backoff struct {
	base, max time.Duration
	failures  int
	retryAt   time.Time
	lastErr   error
}

// fail records an init failure at now.
func (b *backoff) fail(now time.Time, err error) {
	b.failures++
	b.retryAt = now.Add(b.delay())
	b.lastErr = err
}

// succeed forgets past failures.
func (b *backoff) succeed() {
	b.failures = 0
	b.retryAt = time.Time{}
	b.lastErr = nil
}

// blocked returns the last init error while the retry time has not come yet, else nil.
func (b *backoff) blocked(now time.Time) error {
	if b.lastErr != nil && now.Before(b.retryAt) {
		return b.lastErr
	}
	return nil
}

// delay is base·2^(failures-1), capped at max.
func (b *backoff) delay() time.Duration {
	if b.failures == 0 {
		return 0
	}
	d := b.base
	for i := 1; i < b.failures && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}
