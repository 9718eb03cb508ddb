package function

import (
	"context"
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
		waiting := acquireAsync(ctx, p) // the busy worker still counts: this one starts a new worker
		p.release(busy)
		synctest.Wait()
		if !h.stopped[busy.w] {
			t.Error("the busy worker served on after the change")
		}
		a := <-waiting
		if a.err != nil || a.s == busy || a.s == idle || !a.cold {
			t.Fatalf("acquire after the change: %+v, want a new worker", a)
		}
		p.release(a.s)
		if again, cold, err := p.acquire(ctx); err != nil || again != a.s || cold {
			t.Errorf("a worker started after the change was not reused: %v %v %v", again, cold, err)
		}
	})
}
