package function

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeWorker stands in for an execution environment in pool tests.
type fakeWorker struct{ id int }

// fakeHooks starts fake workers after initDelay (fake time inside a synctest bubble), failing
// while fail is set, and records stops.
type fakeHooks struct {
	mu        sync.Mutex
	initDelay time.Duration
	fail      error
	starts    int
	stopped   map[*fakeWorker]bool
}

func (h *fakeHooks) hooks() workerHooks[*fakeWorker] {
	h.stopped = map[*fakeWorker]bool{}
	return workerHooks[*fakeWorker]{
		start: func(ctx context.Context, _ bool) (*fakeWorker, error) {
			h.mu.Lock()
			h.starts++
			id, fail, delay := h.starts, h.fail, h.initDelay
			h.mu.Unlock()
			if !sleepCtx(ctx, delay) {
				return nil, ctx.Err()
			}
			if fail != nil {
				return nil, fail
			}
			return &fakeWorker{id: id}, nil
		},
		stop: func(w *fakeWorker) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.stopped[w] = true
		},
	}
}

func (h *fakeHooks) counts() (starts, stops int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.starts, len(h.stopped)
}

func testPoolConfig() poolConfig {
	return poolConfig{max: 2, queueLength: 1, queueWait: time.Second, keepAlive: time.Minute,
		backoffBase: 100 * time.Millisecond, backoffMax: 400 * time.Millisecond}
}

type acquired struct {
	s    *slot[*fakeWorker]
	cold bool
	err  error
}

func acquireAsync(ctx context.Context, p *pool[*fakeWorker]) <-chan acquired {
	ch := make(chan acquired, 1)
	go func() {
		s, cold, err := p.acquire(ctx)
		ch <- acquired{s, cold, err}
	}()
	return ch
}

// TestPoolScalesQueuesThrottles covers B.5 scale-out up to the reserved concurrency, then the
// bounded queue, then ErrThrottled.
func TestPoolScalesQueuesThrottles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{initDelay: 10 * time.Millisecond}
		p := newPool(testPoolConfig(), h.hooks())
		defer p.close(context.Background())
		ctx := context.Background()
		a, b := <-acquireAsync(ctx, p), <-acquireAsync(ctx, p)
		if !a.cold || !b.cold || a.s.w == b.s.w {
			t.Fatalf("first two acquires = %+v %+v, want two cold starts", a, b)
		}
		queued := acquireAsync(ctx, p)
		synctest.Wait()
		if _, _, err := p.acquire(ctx); !errors.Is(err, ErrThrottled) {
			t.Fatalf("acquire beyond queue = %v, want ErrThrottled", err)
		}
		p.release(a.s)
		got := <-queued
		if got.err != nil || got.cold || got.s.w != a.s.w {
			t.Fatalf("queued acquire = %+v, want the released warm worker", got)
		}
		if starts, _ := h.counts(); starts != 2 {
			t.Errorf("starts = %d, want 2", starts)
		}
		if snap := p.snapshot(); snap.busy != 2 || snap.stats.throttles != 1 || snap.stats.coldStarts != 2 {
			t.Errorf("snapshot = %+v", snap)
		}
	})
}

// TestPoolQueueBounds: a queued caller is throttled after the queue wait, and leaves at once when
// its context ends.
func TestPoolQueueBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{}
		cfg := testPoolConfig()
		cfg.max = 1
		p := newPool(cfg, h.hooks())
		defer p.close(context.Background())
		if got := <-acquireAsync(context.Background(), p); got.err != nil {
			t.Fatal(got.err)
		}
		start := time.Now()
		if _, _, err := p.acquire(context.Background()); !errors.Is(err, ErrThrottled) || time.Since(start) != time.Second {
			t.Fatalf("acquire = %v after %v, want ErrThrottled after the 1s queue wait", err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if _, _, err := p.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("acquire = %v, want the context's error", err)
		}
		if snap := p.snapshot(); snap.queued != 0 {
			t.Errorf("queued = %d after both left", snap.queued)
		}
	})
}

// TestPoolReservedZeroThrottles: reserved concurrency 0 means the function is always throttled.
func TestPoolReservedZeroThrottles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{}
		cfg := testPoolConfig()
		cfg.max = 0
		p := newPool(cfg, h.hooks())
		defer p.close(context.Background())
		if _, _, err := p.acquire(context.Background()); !errors.Is(err, ErrThrottled) {
			t.Fatalf("acquire = %v, want ErrThrottled", err)
		}
	})
}

// TestPoolKeepAlive covers B.5: idle on-demand environments are stopped after the keep-alive,
// provisioned ones never.
func TestPoolKeepAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{}
		cfg := testPoolConfig()
		cfg.provisioned = 1
		p := newPool(cfg, h.hooks())
		p.warm()
		defer p.close(context.Background())
		synctest.Wait()
		first := <-acquireAsync(context.Background(), p) // the provisioned worker
		second := <-acquireAsync(context.Background(), p)
		if first.cold || !first.s.provisioned || !second.cold {
			t.Fatalf("acquires = %+v %+v, want provisioned then cold", first, second)
		}
		p.release(first.s)
		p.release(second.s)
		time.Sleep(cfg.keepAlive - time.Millisecond)
		synctest.Wait()
		if snap := p.snapshot(); snap.idle != 2 {
			t.Fatalf("idle before keep-alive = %d, want 2", snap.idle)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		snap := p.snapshot()
		if snap.idle != 1 || snap.provisioned != 1 || !h.stopped[second.s.w] || h.stopped[first.s.w] {
			t.Fatalf("after keep-alive: %+v, stopped %v", snap, h.stopped)
		}
	})
}

// TestPoolInitBackoff: after an init failure, cold starts are retried at most once per delay,
// the delay doubles up to its cap, and the last init error is returned meanwhile.
func TestPoolInitBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("init failed")
		h := &fakeHooks{fail: boom}
		p := newPool(testPoolConfig(), h.hooks())
		defer p.close(context.Background())
		ctx := context.Background()
		for i, wait := range []time.Duration{0, 100, 200, 400, 400} {
			time.Sleep(wait * time.Millisecond)
			if _, _, err := p.acquire(ctx); !errors.Is(err, boom) {
				t.Fatalf("attempt %d: %v", i, err)
			}
			if starts, _ := h.counts(); starts != i+1 {
				t.Fatalf("attempt %d: starts = %d, want %d", i, starts, i+1)
			}
			time.Sleep(wait*time.Millisecond - time.Millisecond) // inside the window: no spawn
			if _, _, err := p.acquire(ctx); !errors.Is(err, boom) {
				t.Fatalf("attempt %d in window: %v", i, err)
			}
			if starts, _ := h.counts(); starts != i+1 && i > 0 {
				t.Fatalf("attempt %d in window spawned: starts = %d", i, starts)
			}
			time.Sleep(time.Millisecond)
		}
		h.mu.Lock()
		h.fail = nil
		h.mu.Unlock()
		time.Sleep(time.Second)
		if got := <-acquireAsync(ctx, p); got.err != nil || !got.cold {
			t.Fatalf("after recovery: %+v", got)
		}
	})
}

// TestPoolClose: queued invocations fail with ErrStopped and every worker is stopped.
func TestPoolClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{}
		cfg := testPoolConfig()
		cfg.max = 1
		p := newPool(cfg, h.hooks())
		busy := <-acquireAsync(context.Background(), p)
		queued := acquireAsync(context.Background(), p)
		synctest.Wait()
		if err := p.close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := <-queued; !errors.Is(got.err, ErrStopped) {
			t.Fatalf("queued = %v, want ErrStopped", got.err)
		}
		if !h.stopped[busy.s.w] {
			t.Error("busy worker not stopped")
		}
		p.release(busy.s) // late release after close is harmless
		if _, _, err := p.acquire(context.Background()); !errors.Is(err, ErrStopped) {
			t.Fatalf("acquire after close = %v", err)
		}
	})
}

// TestPoolReplacesProvisioned: a provisioned environment that dies is started again.
func TestPoolReplacesProvisioned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{}
		cfg := testPoolConfig()
		cfg.provisioned = 1
		p := newPool(cfg, h.hooks())
		p.warm()
		defer p.close(context.Background())
		synctest.Wait()
		got := <-acquireAsync(context.Background(), p)
		p.discard(got.s)
		synctest.Wait()
		if snap := p.snapshot(); snap.provisioned != 1 || snap.idle != 1 {
			t.Fatalf("after discard: %+v", snap)
		}
		if starts, _ := h.counts(); starts != 2 {
			t.Fatalf("starts = %d, want 2", starts)
		}
	})
}

// TestPoolContainsPanickingHooks: a start hook that panics fails the cold start like an init
// error (the caller gets it, nothing hangs), a stop hook that panics ends there; both are
// reported and the pool still closes.
func TestPoolContainsPanickingHooks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var reported []any
		startPanics := true
		hooks := workerHooks[*fakeWorker]{
			start: func(context.Context, bool) (*fakeWorker, error) {
				mu.Lock()
				defer mu.Unlock()
				if startPanics {
					panic("injected: start bug")
				}
				return &fakeWorker{}, nil
			},
			stop: func(*fakeWorker) { panic("injected: stop bug") },
			panicked: func(v any) {
				mu.Lock()
				defer mu.Unlock()
				reported = append(reported, v)
			},
		}
		p := newPool(testPoolConfig(), hooks)
		if _, _, err := p.acquire(context.Background()); !errors.Is(err, errStartPanicked) {
			t.Fatalf("acquire = %v, want errStartPanicked", err)
		}
		mu.Lock()
		startPanics = false
		mu.Unlock()
		time.Sleep(time.Second) // past the init backoff
		s, _, err := p.acquire(context.Background())
		if err != nil {
			t.Fatalf("acquire after the panic = %v", err)
		}
		p.discard(s)
		if err := p.close(context.Background()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(reported) != 2 || reported[0] != "injected: start bug" || reported[1] != "injected: stop bug" {
			t.Errorf("reported %v, want the start and the stop panic", reported)
		}
	})
}
