package function

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// poolConfig bounds a pool; see the Spec fields of the same names.
type poolConfig struct {
	max         int           // most workers at once (Reserved, or the unreserved cap)
	provisioned int           // workers started at once and never reaped
	queueLength int           // most callers waiting; 0 means none wait
	queueWait   time.Duration // longest wait in the queue before ErrThrottled
	keepAlive   time.Duration // idle on-demand workers are stopped after this
	backoffBase time.Duration
	backoffMax  time.Duration
}

// workerHooks are what a pool does with its workers; the function package's environments in
// production, fakes in tests.
type workerHooks[W comparable] struct {
	// start creates a worker and blocks until it is ready (the cold start).
	start func(ctx context.Context, provisioned bool) (W, error)
	// stop ends a worker; it may block and is called from a goroutine the pool tracks.
	stop func(W)
	// panicked, when set, reports a panic recovered from start or stop (see guarded).
	panicked func(value any)
}

// errStartPanicked fails a cold start whose start hook panicked.
var errStartPanicked = errors.New("function: internal error: panic while starting an execution environment")

// guarded wraps start and stop, which run on the pool's own goroutines, so that a bug in them
// costs one worker, not the process (issue 11): a start that panics fails like an init error
// (the invocation waiting for it gets the error, the backoff applies, a provisioned worker is
// retried), a stop that panics ends there.
func (h workerHooks[W]) guarded() workerHooks[W] {
	start, stop, report := h.start, h.stop, h.panicked
	if report == nil {
		report = func(any) {}
	}
	h.start = func(ctx context.Context, provisioned bool) (w W, err error) {
		defer func() {
			if v := recover(); v != nil {
				report(v)
				var zero W
				w, err = zero, fmt.Errorf("%w: %v", errStartPanicked, v)
			}
		}()
		return start(ctx, provisioned)
	}
	h.stop = func(w W) {
		defer func() {
			if v := recover(); v != nil {
				report(v)
			}
		}()
		stop(w)
	}
	return h
}

// pool is the execution-environment pool of one function (B.5): one invocation per worker at a
// time, scale-out up to max, a bounded FIFO queue beyond that, keep-alive reaping of idle
// on-demand workers, provisioned workers kept warm, and init backoff. Safe for concurrent use.
type pool[W comparable] struct {
	cfg   poolConfig
	hooks workerHooks[W]
	ctx   context.Context // cancelled by close; bounds starts
	stopC context.CancelFunc
	wg    sync.WaitGroup // starts, stops and provisioned restarts in flight

	mu       sync.Mutex
	closed   bool
	slots    map[W]*slot[W]
	idle     []*slot[W] // most recently used last
	starting int
	waiters  []*waiter[W]
	backoff  backoff
	stats    poolStats
	// code counts code changes (renew): workers started before the latest one finish their
	// invocation and are then stopped instead of serving again.
	code uint64
	// prestarting counts workers renew started ahead of demand; acquires that find no idle
	// worker wait for one of them rather than start another (renew.go).
	prestarting int
}

// slot is one worker's place in the pool.
type slot[W comparable] struct {
	w           W
	provisioned bool
	busy        bool
	dead        bool
	idleSince   time.Time
	reaper      *time.Timer
	code        uint64 // pool.code when the worker started
}

// waiter is a queued acquire; grant receives exactly one decision.
type waiter[W comparable] struct {
	grant chan grant[W]
	// prestart marks a waiter for a worker renew is starting: it waits for that start to end,
	// however long Init takes, not for the queue's wait.
	prestart bool
}

// grant answers a waiter: a free slot, permission to start a worker, or an error.
type grant[W comparable] struct {
	slot  *slot[W]
	start bool
	err   error
}

// poolStats are counters kept under the pool's lock.
type poolStats struct {
	throttles, coldStarts, initErrors uint64
}

func newPool[W comparable](cfg poolConfig, hooks workerHooks[W]) *pool[W] {
	ctx, cancel := context.WithCancel(context.Background())
	p := &pool[W]{cfg: cfg, hooks: hooks.guarded(), ctx: ctx, stopC: cancel, slots: map[W]*slot[W]{}}
	p.backoff = backoff{base: cfg.backoffBase, max: cfg.backoffMax}
	return p
}

// warm starts the provisioned workers in the background. It is separate from newPool so that the
// owner can finish wiring before the first worker starts.
func (p *pool[W]) warm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range p.cfg.provisioned {
		p.startProvisioned(0)
	}
}

// acquire returns a slot for one invocation: an idle worker, else a new one (cold is true),
// else a queued wait. It fails with ErrThrottled (no capacity within the queue's bounds),
// ErrStopped, the last init error while init is backing off, or ctx's error.
func (p *pool[W]) acquire(ctx context.Context) (s *slot[W], cold bool, err error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, ErrStopped
	}
	if s := p.popIdleLocked(); s != nil {
		p.mu.Unlock()
		return s, false, nil
	}
	if p.prestarting > len(p.waiters) {
		w := &waiter[W]{grant: make(chan grant[W], 1), prestart: true}
		p.waiters = append(p.waiters, w)
		p.mu.Unlock()
		return p.wait(ctx, w)
	}
	if p.sizeLocked() < p.cfg.max {
		return p.startLocked(ctx)
	}
	if p.cfg.max == 0 || len(p.waiters) >= p.cfg.queueLength {
		p.stats.throttles++
		p.mu.Unlock()
		return nil, false, ErrThrottled
	}
	w := &waiter[W]{grant: make(chan grant[W], 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()
	return p.wait(ctx, w)
}

// wait blocks a queued acquire until it is granted something, ctx ends or the queue wait passes.
func (p *pool[W]) wait(ctx context.Context, w *waiter[W]) (*slot[W], bool, error) {
	timer := time.NewTimer(p.cfg.queueWait)
	defer timer.Stop()
	if w.prestart {
		timer.Stop()
	}
	select {
	case g := <-w.grant:
		return p.take(ctx, g)
	case <-ctx.Done():
		p.leave(w)
		return nil, false, ctx.Err()
	case <-timer.C:
		p.leave(w)
		p.mu.Lock()
		p.stats.throttles++
		p.mu.Unlock()
		return nil, false, ErrThrottled
	}
}

// take acts on a grant received by a waiter.
func (p *pool[W]) take(ctx context.Context, g grant[W]) (*slot[W], bool, error) {
	switch {
	case g.err != nil:
		return nil, false, g.err
	case g.slot != nil:
		return g.slot, false, nil
	}
	p.mu.Lock()
	p.starting-- // the permit was counted by whoever granted it; startLocked counts again
	return p.startLocked(ctx)
}

// leave removes w from the queue; a grant that raced in is handed on, not lost.
func (p *pool[W]) leave(w *waiter[W]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := slices.Index(p.waiters, w); i >= 0 {
		p.waiters = slices.Delete(p.waiters, i, i+1)
		return
	}
	select {
	case g := <-w.grant:
		switch {
		case g.slot != nil:
			p.releaseLocked(g.slot)
		case g.start:
			p.starting--
			p.wakeLocked()
		}
	default:
	}
}

func (p *pool[W]) sizeLocked() int { return len(p.slots) + p.starting }

// popIdleLocked takes the most recently used idle worker, preferring provisioned ones.
func (p *pool[W]) popIdleLocked() *slot[W] {
	if len(p.idle) == 0 {
		return nil
	}
	i := len(p.idle) - 1
	for j := i; j >= 0; j-- {
		if p.idle[j].provisioned {
			i = j
			break
		}
	}
	s := p.idle[i]
	p.idle = slices.Delete(p.idle, i, i+1)
	if s.reaper != nil {
		s.reaper.Stop()
		s.reaper = nil
	}
	s.busy = true
	return s
}

// poolSnapshot is the pool's state at one moment, for Stats.
type poolSnapshot struct {
	idle, busy, starting, queued, provisioned int
	stats                                     poolStats
}

func (p *pool[W]) snapshot() poolSnapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	snap := poolSnapshot{idle: len(p.idle), starting: p.starting, queued: len(p.waiters), stats: p.stats}
	for _, s := range p.slots {
		if s.busy {
			snap.busy++
		}
		if s.provisioned {
			snap.provisioned++
		}
	}
	return snap
}

// throttled counts an invocation throttled before it reached the pool (account concurrency).
func (p *pool[W]) throttled() {
	p.mu.Lock()
	p.stats.throttles++
	p.mu.Unlock()
}
