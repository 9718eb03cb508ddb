package wire

import (
	"context"
	"testing"
)

// valueOnly is a ValueContext, as the router's exchange context is.
type valueOnly struct{ context.Context }

func (v valueOnly) ValueParent() context.Context { return v.Context }

// testKey keys a test's context value.
type testKey struct{}

// TestSameCancellation: only the request's context itself, or value-only layers over it, share
// its cancellation; a layer that may cancel on its own, or one the function cannot see
// through, is "unknown" (false), and a layer over another context is false.
func TestSameCancellation(t *testing.T) {
	req, cancel := context.WithCancel(context.Background())
	defer cancel()
	derived, cancelDerived := context.WithCancel(req)
	defer cancelDerived()
	other, cancelOther := context.WithCancel(context.Background())
	defer cancelOther()
	testCases := []struct {
		desc string
		ctx  context.Context
		want bool
	}{
		{desc: "the request's context", ctx: req, want: true},
		{desc: "a value-only layer", ctx: &valueOnly{req}, want: true},
		{desc: "two value-only layers", ctx: &valueOnly{&valueOnly{req}}, want: true},
		{desc: "context.WithValue: not known to add values only", ctx: context.WithValue(req, testKey{}, 1), want: false},
		{desc: "a cancellation of its own", ctx: derived, want: false},
		{desc: "a value-only layer over a cancellation of its own", ctx: &valueOnly{derived}, want: false},
		{desc: "a value-only layer over another context", ctx: &valueOnly{other}, want: false},
		{desc: "a value-only layer over nothing", ctx: &valueOnly{context.Background()}, want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			if got := SameCancellation(tc.ctx, req); got != tc.want {
				t.Errorf("SameCancellation = %v, want %v", got, tc.want)
			}
		})
	}
}
