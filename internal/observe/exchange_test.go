package observe

import (
	"context"
	"testing"
)

type otherKey struct{}

// TestExchangeContext: the context carrying an exchange, allocated by WithExchange or kept in
// the router's per-request state, answers ExchangeFrom, passes every other key and the
// cancellation to its parent, and a throwaway record stands in without one.
func TestExchangeContext(t *testing.T) {
	t.Parallel()
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "v"))
	ex := &Exchange{TraceID: "root"}
	var kept ExchangeContext
	kept.Set(parent, ex)
	for name, ctx := range map[string]context.Context{"WithExchange": WithExchange(parent, ex), "kept": &kept} {
		if got := ExchangeFrom(ctx); got != ex {
			t.Errorf("%s: ExchangeFrom = %p, want the exchange %p", name, got, ex)
		}
		if got := ctx.Value(otherKey{}); got != "v" {
			t.Errorf("%s: the parent's value is %v", name, got)
		}
		if ctx.Done() != parent.Done() {
			t.Errorf("%s: Done is not the parent's", name)
		}
	}
	cancel()
	if kept.Err() != context.Canceled {
		t.Errorf("Err after the parent's cancel: %v", kept.Err())
	}
	if got := ExchangeFrom(parent); got == ex || got.MatchedRulePriority != NotRouted {
		t.Errorf("ExchangeFrom without an exchange: %+v, want a throwaway unrouted record", got)
	}
}
