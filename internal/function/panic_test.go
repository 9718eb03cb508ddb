package function

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// panickyHandler is a log handler with a bug: it panics on an invocation's START line, so that
// the invocation goroutine panics where a real bug in run would.
type panickyHandler struct{ slog.Handler }

func (h panickyHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "START RequestId") {
		panic("injected: log handler bug")
	}
	return h.Handler.Handle(ctx, r)
}

func (h panickyHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return panickyHandler{h.Handler.WithAttrs(a)}
}

func (h panickyHandler) WithGroup(n string) slog.Handler {
	return panickyHandler{h.Handler.WithGroup(n)}
}

// TestPanicInInvocationFailsIt: a panic on an invocation's goroutine fails that invocation with
// an error (502 LambdaUnhandledException at the load balancer) and is counted, the process goes
// on, and the environment is stopped so that Close (at cleanup) does not wait for it.
func TestPanicInInvocationFailsIt(t *testing.T) {
	t.Parallel()
	before := observe.PanicCount("function_invoke")
	f, _ := newTestFunction(t, func(s *Spec) { s.Logger = slog.New(panickyHandler{s.Logger.Handler()}) })
	_, err := invokeErr(f, `{"action":"echo"}`)
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("Invoke = %v, want the panic as an error", err)
	}
	if got := observe.PanicCount("function_invoke") - before; got != 1 {
		t.Errorf("counted %d panics, want 1", got)
	}
}
