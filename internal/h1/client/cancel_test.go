package client

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// loopHook stands for the connection loop's wire.CancelHook (internal/h1/server's is tested
// there): it holds the handed-over connection and closes it when cancel is called.
type loopHook struct {
	ctx    context.Context
	cancel context.CancelFunc
	held   chan io.Closer // receives the connection handed over
	mu     sync.Mutex
	closer io.Closer
	fired  bool
	dones  atomic.Int32 // calls of Done
}

func newLoopHook() (*loopHook, context.Context) { return newHook(true) }

// newHook is newLoopHook; without offer, the context carries no hook (a loop whose parent
// context can be canceled), and cancelRequest is the context's cancel.
func newHook(offer bool) (*loopHook, context.Context) {
	h := &loopHook{held: make(chan io.Closer, 4)}
	rcv := &wire.Received{}
	if offer {
		rcv.Cancel = h
	}
	h.ctx, h.cancel = context.WithCancel(wire.WithReceived(context.Background(), rcv))
	return h, h.ctx
}

func (h *loopHook) Done() <-chan struct{} {
	h.dones.Add(1)
	return h.ctx.Done()
}

func (h *loopHook) Context() context.Context { return h.ctx }

func (h *loopHook) CloseOnCancel(c io.Closer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closer != nil {
		return false
	}
	h.closer = c
	h.held <- c
	return true
}

func (h *loopHook) Release(c io.Closer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	fired := h.fired
	h.closer, h.fired = nil, false
	return !fired
}

func (h *loopHook) cancelRequest() {
	h.mu.Lock()
	c := h.closer
	h.fired = c != nil
	h.mu.Unlock()
	h.cancel()
	if c != nil {
		_ = c.Close()
	}
}

// await waits for the event ch reports, failing the test after a generous bound.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s after 10 s", what)
		var zero T
		return zero
	}
}

// stallTarget reads each request head, reports it, and says nothing until the connection
// closes, which it reports too.
func stallTarget(t *testing.T) (addr string, heads, closed chan struct{}) {
	heads, closed = make(chan struct{}, 8), make(chan struct{}, 8)
	addr, _ = rawTarget(t, func(_ int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		heads <- struct{}{}
		_, _ = io.Copy(io.Discard, br)
		closed <- struct{}{}
	})
	return addr, heads, closed
}

// TestCancelHookClosesTheTargetConnection: a request whose context is the connection loop's
// hands its target connection to the loop's hook instead of watching the context; the loop's
// cancellation (its client went away) closes it, and Forward fails with the context's error.
func TestCancelHookClosesTheTargetConnection(t *testing.T) {
	t.Parallel()
	addr, heads, closed := stallTarget(t)
	hook, ctx := newLoopHook()
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	r := httptest.NewRequest(http.MethodGet, "http://a/", nil).WithContext(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Forward(httptest.NewRecorder(), r, addr, false) }()
	await(t, hook.held, "connection handed to the hook")
	await(t, heads, "request at the target")
	hook.cancelRequest()
	if err := await(t, done, "end of the exchange"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Forward: %v, want the request's cancellation", err)
	}
	await(t, closed, "closed target connection")
}

// TestCancelHookNotForADerivedContext: a context derived from the request's with its own
// cancel is not the hook's to end: the client watches it itself, and its cancel alone ends
// the exchange.
func TestCancelHookNotForADerivedContext(t *testing.T) {
	t.Parallel()
	addr, heads, closed := stallTarget(t)
	hook, ctx := newLoopHook()
	derived, cancel := context.WithCancel(ctx)
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	r := httptest.NewRequest(http.MethodGet, "http://a/", nil).WithContext(derived)
	done := make(chan error, 1)
	go func() { done <- c.Forward(httptest.NewRecorder(), r, addr, false) }()
	await(t, heads, "request at the target")
	cancel()
	if err := await(t, done, "end of the exchange"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Forward: %v, want the derived context's cancellation", err)
	}
	await(t, closed, "closed target connection")
	if len(hook.held) != 0 {
		t.Error("the hook was given the connection of a derived context")
	}
}

// exchangeLike adds a value and nothing else to its parent, as the router's
// observe.ExchangeContext does (wire.ValueContext).
type exchangeLike struct{ context.Context }

func (e *exchangeLike) ValueParent() context.Context { return e.Context }

// testKey keys a test's context value.
type testKey struct{}

// TestCancelHookThroughValueLayers: the router hands the client the loop's context wrapped in
// its exchange context; the hook is still the loop's. A value-only layer is seen through without
// the request context's Done channel, a context.WithValue layer through the channel, and a
// layer with its own cancellation not at all.
func TestCancelHookThroughValueLayers(t *testing.T) {
	t.Parallel()
	hook, ctx := newLoopHook()
	derived, cancel := context.WithCancel(ctx)
	defer cancel()
	testCases := []struct {
		desc     string
		ctx      context.Context
		wantHook bool
		wantDone bool // the hook's Done channel was asked for
	}{
		{desc: "the loop's context", ctx: ctx, wantHook: true},
		{desc: "an exchange context over it", ctx: &exchangeLike{ctx}, wantHook: true},
		{desc: "context.WithValue over it", ctx: context.WithValue(ctx, testKey{}, 1), wantHook: true, wantDone: true},
		{desc: "an exchange context over a derived cancellation", ctx: &exchangeLike{derived}, wantHook: false, wantDone: true},
	}
	for _, tc := range testCases {
		before := hook.dones.Load()
		got := cancelHook(tc.ctx)
		if (got == hook) != tc.wantHook || (got != nil && got != hook) {
			t.Errorf("%s: hook %v, want the loop's: %v", tc.desc, got, tc.wantHook)
		}
		if asked := hook.dones.Load() != before; asked != tc.wantDone {
			t.Errorf("%s: Done asked for: %v, want %v", tc.desc, asked, tc.wantDone)
		}
	}
}

// TestCutEndsEveryExchange: ALG-04's cut closes the target connections of all the exchanges in
// flight under it, and a request forwarded after it came fails at once; the pool then keeps no
// registration for it.
func TestCutEndsEveryExchange(t *testing.T) {
	t.Parallel()
	addr, heads, closed := stallTarget(t)
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	cut, fire := context.WithCancel(context.Background())
	const n = 3
	done := make(chan error, n)
	for range n {
		go func() {
			done <- c.ForwardCut(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://a/", nil), addr, false, cut)
		}()
	}
	for range n {
		await(t, heads, "request at the target")
	}
	fire()
	for range n {
		if err := await(t, done, "end of the exchange"); !errors.Is(err, context.Canceled) {
			t.Errorf("ForwardCut: %v, want the cut's error", err)
		}
		await(t, closed, "closed target connection")
	}
	err := c.ForwardCut(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://a/", nil), addr, false, cut)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ForwardCut after the cut: %v, want the cut's error", err)
	}
	p := c.pool(addr)
	p.cutMu.Lock()
	defer p.cutMu.Unlock()
	if len(p.cuts) != 0 {
		t.Errorf("the pool keeps %d cut registrations after the cut came", len(p.cuts))
	}
}

// TestCutRegistrationsDoNotPileUp: a cut that never comes (a target that stays registered)
// holds one registration, dropped once its exchanges are over and another cut arrives, so that
// revisions of a target group do not accumulate them.
func TestCutRegistrationsDoNotPileUp(t *testing.T) {
	t.Parallel()
	addr, _ := rawTarget(t, func(_ int32, c net.Conn, br *bufio.Reader) {
		for len(readHead(br)) > 0 {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	c := New(Options{})
	t.Cleanup(c.CloseIdle)
	for range 5 {
		cut, stop := context.WithCancel(context.Background())
		defer stop()
		w := httptest.NewRecorder()
		if err := c.ForwardCut(w, httptest.NewRequest(http.MethodGet, "http://a/", nil), addr, false, cut); err != nil || w.Code != 200 {
			t.Fatalf("ForwardCut: %d %v", w.Code, err)
		}
	}
	p := c.pool(addr)
	p.cutMu.Lock()
	defer p.cutMu.Unlock()
	if len(p.cuts) != 1 {
		t.Errorf("the pool keeps %d cut registrations after 5 cuts that never came, want the last one", len(p.cuts))
	}
}
