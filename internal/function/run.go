package function

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/albatross-lb/albatross/internal/runtimeapi"
)

// errTimeout ends an invocation that reached the function's timeout.
var errTimeout = errors.New("function: task timed out")

// outcome is how one attempt at an invocation ended.
type outcome struct {
	resp  *Response
	err   error
	retry bool // the event never reached the runtime, which died: try another environment; resp
	// then holds the Runtime.ExitError answer for when the attempts are exhausted
}

// invocation is one invocation under way: the caller's call and the request ID it was given.
type invocation struct {
	id string
	Invocation
}

// run performs one invocation on the environment of s and gives s back to the pool (or discards
// it). It runs on a goroutine of its own and ignores the caller's context: like Lambda, an
// invocation that started runs to its end or its timeout.
func (f *Function) run(s *slot[*environment], inv invocation) outcome {
	env := s.w
	log := &invocationLog{logger: f.spec.Logger, function: f.spec.Name, requestID: inv.id, traceID: inv.TraceID}
	var initDuration time.Duration
	if !env.invoked.Swap(true) {
		log.tail.addRaw(env.initLog.bytes())
		if !env.provisioned {
			initDuration = env.initDuration // Init Duration is reported by the first invocation
		}
	}
	env.sink.Store(log)
	defer env.sink.Store(nil)
	log.line(startLine(inv.id))
	start := time.Now()
	res, err := f.dispatch(env, inv, start.Add(f.spec.Timeout))
	rep := report{requestID: inv.id, duration: time.Since(start), initDuration: initDuration, memoryMB: f.spec.MemoryMB}
	o, keep := f.classify(inv, res, err, &rep)
	if o.retry {
		f.pool.discard(s)
		return o
	}
	rep.maxMemory = env.proc.MaxRSS()
	env.proc.Flush(time.Second) // the function's own lines come before END, as in Lambda
	log.line(endLine(inv.id))
	log.line(rep.String())
	if rep.status == "timeout" {
		log.line(fmt.Sprintf("%s %s Task timed out after %.2f seconds",
			time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), inv.id, f.spec.Timeout.Seconds()))
	}
	if keep {
		f.pool.release(s)
	} else {
		f.pool.discard(s)
	}
	f.stats.record(rep, o)
	if o.resp != nil {
		o.resp.LogTail = log.tail.bytes()
	}
	return o
}

// dispatch hands the event to the runtime, bounded by the deadline and the process's life.
func (f *Function) dispatch(env *environment, inv invocation, deadline time.Time) (*runtimeapi.Result, error) {
	// One context derived from the environment's life: it ends with the process's *exitedError
	// (a child takes its parent's cause) or at the deadline with errTimeout. A cancel context
	// with an AfterFunc on env.alive under the deadline said the same with two more contexts
	// and their registrations on every invocation.
	ctx, cancel := context.WithDeadlineCause(env.alive, deadline, errTimeout)
	defer cancel()
	arn := inv.InvokedFunctionARN
	if arn == "" {
		arn = f.spec.ARN
	}
	trace := inv.TraceID
	if trace == "" {
		trace = newTraceID(time.Now())
	}
	return env.srv.Dispatch(ctx, &runtimeapi.Invocation{
		RequestID: inv.id, Payload: inv.Payload, Deadline: deadline, InvokedFunctionARN: arn,
		TraceID: trace, ClientContext: inv.ClientContext, CognitoIdentity: inv.CognitoIdentity,
	})
}

// classify maps a dispatch's end to the caller's outcome (B.5, C.3) and fills the REPORT status.
// keep says whether the environment may serve again.
func (f *Function) classify(inv invocation, res *runtimeapi.Result, err error, rep *report) (o outcome, keep bool) {
	var exited *exitedError
	switch {
	case f.isClosed() && err != nil:
		return outcome{err: ErrStopped}, false
	case err == nil && res.TooLarge:
		o = outcome{resp: f.failure(inv.id, tooLargePayload(res.Size)), err: ErrResponseTooLarge}
		return o, true
	case err == nil:
		resp := &Response{Payload: res.Payload, RequestID: inv.id}
		if res.Error {
			resp.FunctionError = functionErrorUnhandled
		}
		return outcome{resp: resp}, true
	case errors.As(err, &exited) && errors.Is(err, runtimeapi.ErrUndelivered):
		return outcome{retry: true, resp: f.failure(inv.id, exitPayload(inv.id, exited.exit))}, false
	case errors.As(err, &exited):
		rep.status, rep.errorType = "error", errorTypeExit
		return outcome{resp: f.failure(inv.id, exitPayload(inv.id, exited.exit))}, false
	case errors.Is(err, errTimeout):
		rep.status = "timeout"
		return outcome{resp: f.failure(inv.id, timeoutPayload(inv.id, f.spec.Timeout))}, false
	default:
		return outcome{err: fmt.Errorf("function %s: %w", f.spec.Name, err)}, false
	}
}

// failure is an Unhandled function error response with a platform-made payload.
func (f *Function) failure(id string, payload []byte) *Response {
	return &Response{Payload: payload, FunctionError: functionErrorUnhandled, RequestID: id}
}
