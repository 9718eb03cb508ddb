package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/observe"
)

// The data plane's background goroutines (a listener drained after a reload, a function retired,
// the dashboard's history sampler) run after the request that caused them is gone: a panic there
// would kill every listener. Each step runs guarded: the panic is reported (observe.Panicked: an
// ERROR line with the stack, albatross_panics_total{component}) and the goroutine goes on with
// its next step or ends.

// guarded runs step, reporting a panic in it as component's.
func guarded(log *slog.Logger, component string, step func()) {
	defer observe.Recover(log, component)
	step()
}

// closer is what a background stop ends: a listener being drained, a function being retired.
type closer interface {
	Close(ctx context.Context) error
}

// retiree is a function being retired: its Stats say when it is quiet.
type retiree interface {
	closer
	Stats() function.Stats
}

// drainListener closes a listener the new configuration no longer has, letting its requests
// finish within timeout. After a panic the listener is left to albatross's own shutdown.
func drainListener(log *slog.Logger, l closer, timeout time.Duration) {
	guarded(log, "listener_drain", func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = l.Close(ctx)
	})
}
