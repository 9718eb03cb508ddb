package observe

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
)

// No panic may take the load balancer down (issue 11): every goroutine that runs request or
// background work recovers, reports the panic here, and carries on (a request gets the ALB's
// error page, a loop its next round). Panics are counted per component in one process-wide table:
// they can happen in any package, most of which have no Metrics at hand, and a panic is a fault
// of the process, not of one load balancer.

// panicCounts maps a component name to its *atomic.Uint64.
var panicCounts sync.Map

const panicsName = "albatross_panics_total"

// Panicked reports a recovered panic: an ERROR log line with the value and the goroutine's stack,
// and one more in albatross_panics_total{component}. Call it from the deferred function that
// recovered, so that the stack still shows where the panic happened. attrs add context (the
// request's trace ID, a target, a function).
func Panicked(ctx context.Context, log *slog.Logger, component string, value any, attrs ...slog.Attr) {
	if log == nil {
		log = slog.Default()
	}
	counter, _ := panicCounts.LoadOrStore(component, new(atomic.Uint64))
	counter.(*atomic.Uint64).Add(1)
	attrs = append(attrs, slog.String("component", component), slog.String("panic", fmt.Sprint(value)),
		slog.String("stack", string(debug.Stack())))
	defer func() {
		// The logger itself may be what panicked: say it on the default logger instead.
		if recover() != nil {
			slog.Default().LogAttrs(ctx, slog.LevelError, "recovered from a panic", attrs...)
		}
	}()
	log.LogAttrs(ctx, slog.LevelError, "recovered from a panic", attrs...)
}

// Recover is for `defer observe.Recover(log, component)` at the top of a goroutine: a panic is
// reported (Panicked) and the goroutine ends normally instead of killing the process.
func Recover(log *slog.Logger, component string) {
	if v := recover(); v != nil {
		Panicked(context.Background(), log, component, v)
	}
}

// panicSamples are the panic counters of every component that panicked.
func panicSamples() []Sample {
	var out []Sample
	panicCounts.Range(func(k, v any) bool {
		out = append(out, Sample{Name: panicsName, Counter: true, Labels: []Label{{"component", k.(string)}},
			Value: float64(v.(*atomic.Uint64).Load()),
			Help:  "Panics recovered, by component: each is a bug, logged at ERROR with its stack; the process kept running."})
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Labels[0].Value < out[j].Labels[0].Value })
	return out
}

// PanicCount returns how many panics component has recovered from (for tests and the dashboard).
func PanicCount(component string) uint64 {
	if v, ok := panicCounts.Load(component); ok {
		return v.(*atomic.Uint64).Load()
	}
	return 0
}
