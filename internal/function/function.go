package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/albatross-lb/albatross/internal/observe"
)

// maxAttempts bounds how often an invocation is moved to another environment because the one it
// was given died before receiving it.
const maxAttempts = 3

// Function runs one function's invocations on a pool of execution environments. It is safe for
// concurrent use.
type Function struct {
	spec  Spec
	pool  *pool[*environment]
	stats counters
	// code is the spec new environments start from: spec, with the command of the latest good
	// build when the code is watched (reload.go).
	code      atomic.Pointer[Spec]
	buildErr  atomic.Pointer[error]
	stopWatch context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup // invocations running in the background
}

// New validates spec, applies defaults and returns the function, whose provisioned environments
// start in the background right away. Other environments start on demand.
func New(spec Spec) (*Function, error) {
	spec, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	spec.logLimit = newLogLimiter()
	f := &Function{spec: spec}
	code := spec
	f.code.Store(&code)
	f.pool = newPool(spec.poolConfig(), workerHooks[*environment]{
		start: func(ctx context.Context, provisioned bool) (*environment, error) {
			env, err := startEnvironment(ctx, f.code.Load(), provisioned, f.pool.evict)
			if err != nil && !errors.Is(err, ErrStopped) {
				f.spec.Logger.Error("function init failed", "function", f.spec.Name, "provisioned", provisioned, "error", err)
			}
			return env, err
		},
		stop: (*environment).stop,
		panicked: func(v any) {
			observe.Panicked(context.Background(), f.spec.Logger, "function_pool", v, slog.String("function", f.spec.Name))
		},
	})
	f.pool.warm()
	if spec.Watch != nil {
		ctx, cancel := context.WithCancel(context.Background())
		f.stopWatch = cancel
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer observe.Recover(f.spec.Logger, "function_watch")
			f.watchCode(ctx, spec.Watch)
		}()
	}
	return f, nil
}

// Invoke runs one invocation and blocks until it ends. Function errors, timeouts, crashes and
// init errors are Responses with FunctionError "Unhandled", not Go errors, as in Lambda (C.3).
// Errors: ErrRequestTooLarge, ErrThrottled, ErrStopped, ctx.Err() when ctx ends first, and
// ErrResponseTooLarge, which comes together with a non-nil Response holding Lambda's
// Function.ResponseSizeTooLarge error document. When ctx ends while the function runs, Invoke
// returns at once but the invocation continues in its environment until it ends or times out,
// as it would in Lambda.
func (f *Function) Invoke(ctx context.Context, payload []byte) (*Response, error) {
	return f.InvokeWith(ctx, Invocation{Payload: payload})
}

// InvokeWith is Invoke with the caller's trace ID, client context, Cognito identity and invoked
// ARN passed on to the runtime (the Lambda Invoke API has them; a load balancer does not).
func (f *Function) InvokeWith(ctx context.Context, call Invocation) (*Response, error) {
	if len(call.Payload) > MaxRequestSize {
		return nil, ErrRequestTooLarge
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	inv := invocation{id: newRequestID(), Invocation: call}
	unit := f.accountUnit()
	if unit == nil {
		f.pool.throttled()
		return f.acquireFailed(inv.id, ErrAccountThrottled)
	}
	defer unit.releaseUnlessHanded()
	for attempt := 1; ; attempt++ {
		s, _, err := f.pool.acquire(ctx)
		if err != nil {
			return f.acquireFailed(inv.id, err)
		}
		done, err := f.background(s, inv, unit)
		if err != nil {
			return nil, err
		}
		select {
		case o := <-done:
			if o.retry && attempt < maxAttempts {
				continue
			}
			return o.resp, o.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// background starts run on its own goroutine, owned by f so that Close can wait for it. The
// account unit travels with the run: an invocation whose caller gave up still runs, and
// counts, until its end, as in Lambda.
func (f *Function) background(s *slot[*environment], inv invocation, unit *accountUnit) (<-chan outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		f.pool.release(s)
		return nil, ErrStopped
	}
	done := make(chan outcome, 1)
	f.wg.Add(1)
	unit.hand()
	go func() {
		defer f.wg.Done()
		defer unit.takeBack()
		defer func() {
			// A bug in run must not kill the process (issue 11): the invocation fails as the
			// service's fault (502 LambdaUnhandledException at the load balancer), and its
			// environment, in a state nobody knows, is stopped (discard is a no-op when run had
			// already given the slot back or removed it).
			if v := recover(); v != nil {
				observe.Panicked(context.Background(), f.spec.Logger, "function_invoke", v,
					slog.String("function", f.spec.Name), slog.String("request_id", inv.id))
				f.pool.discard(s)
				done <- outcome{err: fmt.Errorf("function: internal error: panic: %v", v)}
			}
		}()
		done <- f.run(s, inv)
	}()
	return done, nil
}

// acquireFailed answers an invocation that got no environment. An init failure is a function
// error for this invocation (B.5), with the Init phase's output in its log tail.
func (f *Function) acquireFailed(id string, err error) (*Response, error) {
	var failure *initFailure
	if !errors.As(err, &failure) {
		if errors.Is(err, ErrThrottled) {
			f.spec.Logger.Warn("invocation throttled", "function", f.spec.Name, "request_id", id)
		}
		return nil, err
	}
	log := &invocationLog{logger: f.spec.Logger, function: f.spec.Name, requestID: id}
	log.tail.addRaw(failure.logs)
	log.line(startLine(id))
	log.line(endLine(id))
	log.line(report{requestID: id, memoryMB: f.spec.MemoryMB, status: "error", errorType: failure.errorType}.String())
	f.stats.invocations.Add(1)
	f.stats.errors.Add(1)
	resp := f.failure(id, failure.payload(id))
	resp.LogTail = log.tail.bytes()
	return resp, nil
}

// Close stops every environment (SIGTERM, then SIGKILL after StopGrace) and fails queued
// invocations with ErrStopped; invocations in progress end with ErrStopped too. It blocks until
// everything stopped or ctx ends. Invoke fails with ErrStopped afterwards.
func (f *Function) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	if f.stopWatch != nil {
		f.stopWatch()
	}
	err := f.pool.close(ctx)
	done := make(chan struct{})
	go func() {
		f.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}

func (f *Function) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}
