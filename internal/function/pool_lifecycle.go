package function

import (
	"context"
	"slices"
	"time"
)

// startResult is the outcome of one cold start.
type startResult[W comparable] struct {
	slot *slot[W]
	err  error
}

// startLocked starts a worker for the caller, who then owns it. It is entered with p.mu held and
// returns with it released. While init is backing off it fails at once with the last init error.
// If ctx ends first the caller leaves, and the worker joins the pool as idle once ready — Lambda
// also finishes an init it began (B.5).
func (p *pool[W]) startLocked(ctx context.Context) (*slot[W], bool, error) {
	if p.closed {
		p.mu.Unlock()
		return nil, false, ErrStopped
	}
	if err := p.backoff.blocked(time.Now()); err != nil {
		p.wakeLocked()
		p.mu.Unlock()
		return nil, false, err
	}
	p.starting++
	code := p.code
	ch := make(chan startResult[W], 1)
	p.wg.Add(2)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		w, err := p.hooks.start(p.ctx, false)
		ch <- p.finishStart(w, err, false, code)
	}()
	select {
	case r := <-ch:
		p.wg.Done()
		return r.slot, true, r.err
	case <-ctx.Done():
		go func() {
			defer p.wg.Done()
			if r := <-ch; r.slot != nil {
				p.release(r.slot)
			}
		}()
		return nil, false, ctx.Err()
	}
}

// finishStart books the end of a start: a busy slot for the starter, or the init error, which
// also arms the backoff.
func (p *pool[W]) finishStart(w W, err error, provisioned bool, code uint64) startResult[W] {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting--
	if err != nil {
		p.backoff.fail(time.Now(), err)
		p.stats.initErrors++
		p.wakeLocked()
		return startResult[W]{err: err}
	}
	p.backoff.succeed()
	p.stats.coldStarts++
	if p.closed {
		p.stopWorkerLocked(w)
		return startResult[W]{err: ErrStopped}
	}
	s := &slot[W]{w: w, provisioned: provisioned, busy: true, code: code}
	p.slots[w] = s
	return startResult[W]{slot: s}
}

// startProvisioned keeps one provisioned worker coming: it retries failed inits with the
// backoff's delay until one succeeds or the pool closes. Called with p.mu held or before the
// pool is shared.
func (p *pool[W]) startProvisioned(delay time.Duration) {
	p.starting++
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			if !sleepCtx(p.ctx, delay) {
				p.mu.Lock()
				p.starting--
				p.mu.Unlock()
				return
			}
			p.mu.Lock()
			code := p.code
			p.mu.Unlock()
			w, err := p.hooks.start(p.ctx, true)
			if r := p.finishStart(w, err, true, code); r.err == nil {
				p.release(r.slot)
				return
			}
			p.mu.Lock()
			if p.closed {
				p.mu.Unlock()
				return
			}
			p.starting++
			delay = p.backoff.delay()
			p.mu.Unlock()
		}
	}()
}

// release returns a worker after its invocation: to the first waiter, else to the idle list
// with a keep-alive timer (on-demand workers only). Dead workers are removed instead.
func (p *pool[W]) release(s *slot[W]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.releaseLocked(s)
}

func (p *pool[W]) releaseLocked(s *slot[W]) {
	if s.dead || p.closed || s.code != p.code {
		p.removeLocked(s) // a stale worker is replaced on demand, a provisioned one at once
		return
	}
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		w.grant <- grant[W]{slot: s}
		return
	}
	s.busy = false
	s.idleSince = time.Now()
	p.idle = append(p.idle, s)
	if !s.provisioned {
		s.reaper = time.AfterFunc(p.cfg.keepAlive, func() { p.reap(s) })
	}
}

// renew makes every later acquire run on workers started from now on, for new code: idle
// workers are stopped now and as many started on the new code (pool_prestart.go), busy ones
// stopped when their invocation ends, workers still starting after their first invocation.
// Provisioned workers are replaced at once. Queued acquires get the capacity freed, so no
// invocation fails because of the swap.
func (p *pool[W]) renew() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.code++
	p.backoff.succeed() // new code deserves a try at once
	for _, s := range slices.Clone(p.idle) {
		p.removeLocked(s)
		if !s.provisioned {
			p.prestartLocked()
		}
	}
}

// discard removes a worker that must not serve again (timed out, crashed).
func (p *pool[W]) discard(s *slot[W]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.dead = true
	p.removeLocked(s)
}

// evict is told that w's process exited by itself: an idle worker is removed now, a busy one
// when its invocation ends.
func (p *pool[W]) evict(w W) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.slots[w]
	if s == nil {
		return
	}
	s.dead = true
	if !s.busy {
		p.removeLocked(s)
	}
}

// reap stops s if it is still idle when its keep-alive timer fires.
func (p *pool[W]) reap(s *slot[W]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.busy || !slices.Contains(p.idle, s) || time.Since(s.idleSince) < p.cfg.keepAlive {
		return
	}
	p.removeLocked(s)
}

// removeLocked forgets s, stops its worker, replaces a provisioned one and lets a waiter use
// the freed capacity.
func (p *pool[W]) removeLocked(s *slot[W]) {
	if p.slots[s.w] != s {
		return
	}
	delete(p.slots, s.w)
	if i := slices.Index(p.idle, s); i >= 0 {
		p.idle = slices.Delete(p.idle, i, i+1)
	}
	if s.reaper != nil {
		s.reaper.Stop()
	}
	p.stopWorkerLocked(s.w)
	if s.provisioned && !p.closed {
		p.startProvisioned(p.backoff.delay())
	}
	p.wakeLocked()
}

// wakeLocked gives waiters permission to start workers while capacity allows. Waiters for a
// pre-started worker keep waiting while such a start is under way.
func (p *pool[W]) wakeLocked() {
	kept := p.waiters[:0]
	for i, w := range p.waiters {
		if p.sizeLocked() >= p.cfg.max {
			kept = append(kept, p.waiters[i:]...)
			break
		}
		if w.prestart && p.prestarting > 0 {
			kept = append(kept, w)
			continue
		}
		p.starting++
		w.grant <- grant[W]{start: true}
	}
	clear(p.waiters[len(kept):])
	p.waiters = kept
}

func (p *pool[W]) stopWorkerLocked(w W) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.hooks.stop(w)
	}()
}

// close fails queued acquires with ErrStopped, stops every worker and waits for the stops, or
// for ctx.
func (p *pool[W]) close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for _, w := range p.waiters {
			w.grant <- grant[W]{err: ErrStopped}
		}
		p.waiters = nil
		for _, s := range p.slots {
			p.removeLocked(s)
		}
	}
	p.mu.Unlock()
	p.stopC()
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sleepCtx waits d, reporting false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
