package function

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestPoolRenew: after a code change an idle worker is stopped at once, a busy one finishes its
// invocation and is then stopped instead of serving again, a queued acquire gets the freed
// capacity, and every later acquire runs on a worker started after the change.
func TestPoolRenew(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{initDelay: 10 * time.Millisecond}
		cfg := testPoolConfig()
		cfg.max = 2
		p := newPool(cfg, h.hooks())
		defer p.close(context.Background())
		ctx := context.Background()
		idle, _, err := p.acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		busy, _, err := p.acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p.release(idle)
		queued := acquireAsync(ctx, p) // takes the idle worker at once
		if a := <-queued; a.err != nil || a.s != idle {
			t.Fatalf("acquire before the change: %+v", a)
		}
		p.release(idle)

		p.renew()
		synctest.Wait()
		if h.stopped[idle.w] == false {
			t.Error("the idle worker was not stopped by the change")
		}
		if h.stopped[busy.w] {
			t.Error("the busy worker was stopped during its invocation")
		}
		waiting := acquireAsync(ctx, p) // waits for the worker renew started in the idle one's place
		p.release(busy)
		synctest.Wait()
		if !h.stopped[busy.w] {
			t.Error("the busy worker served on after the change")
		}
		a := <-waiting
		if a.err != nil || a.s == busy || a.s == idle {
			t.Fatalf("acquire after the change: %+v, want a new worker", a)
		}
		if starts, _ := h.counts(); starts != 3 {
			t.Errorf("%d workers started, want 3: two before the change, one in the idle one's place", starts)
		}
		p.release(a.s)
		if again, cold, err := p.acquire(ctx); err != nil || again != a.s || cold {
			t.Errorf("a worker started after the change was not reused: %v %v %v", again, cold, err)
		}
	})
}

// TestPoolPrestart: a code change starts the new code's worker at once in place of each idle
// one, so the next request finds it warm; a request that arrives while it starts waits for it
// instead of paying a second Init; a pre-start that fails lets waiting requests go on (to the
// init error, as Lambda answers after a failed Init) instead of hanging.
func TestPoolPrestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHooks{initDelay: 10 * time.Millisecond}
		p := newPool(testPoolConfig(), h.hooks())
		defer p.close(context.Background())
		ctx := context.Background()
		first, _, err := p.acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p.release(first)

		p.renew()
		time.Sleep(time.Second) // the developer looks at the page
		warm, cold, err := p.acquire(ctx)
		if err != nil || cold || warm == first {
			t.Fatalf("acquire after a change and a pause: %v cold=%t err=%v; want the pre-started worker", warm, cold, err)
		}
		if starts, _ := h.counts(); starts != 2 {
			t.Errorf("%d workers started, want 2", starts)
		}
		p.release(warm)

		p.renew()
		during := acquireAsync(ctx, p) // while the pre-start runs
		a := <-during
		if a.err != nil || a.s == warm {
			t.Fatalf("acquire during the pre-start: %+v", a)
		}
		if starts, _ := h.counts(); starts != 3 {
			t.Errorf("%d workers started, want 3: the request waited for the pre-start", starts)
		}
		p.release(a.s)

		h.mu.Lock()
		h.fail = errors.New("syntax error in the new code")
		h.mu.Unlock()
		p.renew()
		failed := acquireAsync(ctx, p)
		if r := <-failed; r.err == nil {
			t.Fatalf("acquire after a failed pre-start: %+v, want the init error", r)
		}
	})
}
