// Package shadow copies a share of a rule's requests to a second target group and compares its
// answers with the primary's (docs/strangler.md). The client only ever gets the primary's answer:
// a shadow request runs on its own goroutine with its own exchange record, bounded in number and
// time, is never retried, carries the Header, and whatever it does (hang, crash, fail) never
// reaches the primary exchange.
package shadow

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/compare"
)

// Header marks a request as a shadow copy, so that the shadow target can tell (and, say, skip
// side effects). Its value is "1".
const Header = "X-Albatross-Shadow"

// Handler serves a request the way action.Handler does: an error means nothing was written and
// the load balancer answers with its own error page for the error's status.
type Handler interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request) error
}

// Options are one rule's shadow settings. Zero values take the defaults named.
type Options struct {
	// Percentage of the rule's matching requests copied, 0..100.
	Percentage float64
	// IdempotentOnly limits the copies to the idempotent methods of RFC 9110 section 9.2.2.
	IdempotentOnly bool
	// Timeout bounds a shadow request from start to the end of its body. Zero means 5 s.
	Timeout time.Duration
	// MaxInFlight caps the shadow requests running at once; beyond it a request is not copied
	// (counted as skipped). Zero means 16. Limit, when set, is used instead.
	MaxInFlight int
	// Limit is a bound shared by every mirror of one rule, across reloads: without it each new
	// graph's mirror would allow MaxInFlight more beside those still running on the old one.
	// Nil gives the mirror a limit of MaxInFlight of its own.
	Limit *Limit
	// MaxBodyBytes is the largest request body copied; a larger one, or one of unknown length
	// (chunked), is not copied. Zero means 64 KiB.
	MaxBodyBytes int64
	// CaptureBytes is how much of each response body is kept for a JSON or text comparison;
	// beyond it bodies are compared by size and digest. Zero means 1 MiB.
	CaptureBytes int
}

func (o *Options) defaults() {
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = 16
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 64 << 10
	}
	if o.CaptureBytes == 0 {
		o.CaptureBytes = 1 << 20
	}
}

// Runner owns every shadow goroutine of a data plane: Close cancels those still running and waits
// for them.
type Runner struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex // orders goShadow's Add before Close's Wait
	closed bool
	wg     sync.WaitGroup
}

// NewRunner returns a runner ready to start shadow requests.
func NewRunner() *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{ctx: ctx, cancel: cancel}
}

// Close lets the shadow requests in flight finish until ctx ends, then cancels those left; it
// returns when every shadow goroutine has ended. No shadow request starts after Close.
func (r *Runner) Close(ctx context.Context) {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	stop := context.AfterFunc(ctx, r.cancel)
	defer stop()
	r.wg.Wait()
	r.cancel()
}

func (r *Runner) goShadow(fn func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		fn()
	}()
	return true
}

// Limit bounds how many shadow requests run at once. It is safe for concurrent use.
type Limit struct{ slots chan struct{} }

// NewLimit returns a limit of n shadow requests at once; n below 1 means 16, as a zero
// Options.MaxInFlight does.
func NewLimit(n int) *Limit {
	if n < 1 {
		n = 16
	}
	return &Limit{slots: make(chan struct{}, n)}
}

// Cap is how many shadow requests the limit lets run at once.
func (l *Limit) Cap() int { return cap(l.slots) }

// Mirror copies requests to one shadow target group and records the comparisons in a tally.
type Mirror struct {
	runner *Runner
	target Handler
	opts   Options
	tally  *compare.Tally
	limit  *Limit
}

// NewMirror returns the mirror of one rule: copies go to target, outcomes to tally.
func NewMirror(runner *Runner, target Handler, tally *compare.Tally, opts Options) *Mirror {
	opts.defaults()
	limit := opts.Limit
	if limit == nil {
		limit = NewLimit(opts.MaxInFlight)
	}
	return &Mirror{runner: runner, target: target, opts: opts, tally: tally, limit: limit}
}

// Wrap returns primary with m copying its requests.
func (m *Mirror) Wrap(primary Handler) Handler { return &mirrored{primary: primary, mirror: m} }

// chosen says whether r is copied: a share of Percentage, idempotent methods only when asked,
// never a protocol upgrade (a WebSocket is a conversation, not a request).
func (m *Mirror) chosen(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method == http.MethodConnect {
		return false
	}
	if m.opts.IdempotentOnly && !idempotent(r.Method) {
		return false
	}
	return m.opts.Percentage >= 100 || rand.Float64()*100 < m.opts.Percentage
}

// idempotent reports the idempotent methods of RFC 9110 section 9.2.2.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func (m *Mirror) acquire() bool {
	select {
	case m.limit.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (m *Mirror) release() { <-m.limit.slots }
