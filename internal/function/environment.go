package function

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/process"
	"github.com/albatross-lb/albatross/internal/runtimeapi"
)

// errInitTimeout ends an Init phase that exceeded Spec.InitTimeout.
var errInitTimeout = errors.New("function: init timed out")

// exitedError is the cause of an environment's alive context: its process exited.
type exitedError struct{ exit process.Exit }

func (e *exitedError) Error() string { return "function: runtime exited: " + e.exit.String() }

// environment is one execution environment: a Runtime API server bound first, then the process
// that talks to it, so that the runtime never finds the API not yet listening. It serves one invocation at a time; the pool guarantees it.
type environment struct {
	spec  *Spec
	srv   *runtimeapi.Server
	proc  *process.Process
	alive context.Context // cancelled with an *exitedError when the process exits

	provisioned  bool
	initDuration time.Duration
	invoked      atomic.Bool                   // set by the first invocation
	initLog      logTail                       // output written before the first invocation
	sink         atomic.Pointer[invocationLog] // the invocation in progress, if any
}

// startEnvironment performs a cold start: bind, spawn, and wait for the runtime's first /next
// (B.5). onExit is called when the process exits by itself later. Failures are *initFailure,
// or ErrStopped when ctx ends (the pool is closing).
func startEnvironment(ctx context.Context, spec *Spec, provisioned bool, onExit func(*environment)) (*environment, error) {
	owner := newPeerOwner()
	srv, err := runtimeapi.New(runtimeapi.Config{
		FunctionName: spec.Name, FunctionVersion: "$LATEST", Handler: spec.Handler,
		AllowPeer: guardedPeerCheck(spec, owner.allow),
		Refused: func(client netip.AddrPort) {
			defer observe.Recover(spec.Logger, "function_peer_check") // on the accept loop too
			spec.Logger.Warn("Runtime API connection refused: not a process of the execution environment",
				"function", spec.Name, "client", client.String())
		},
	})
	if err != nil {
		return nil, err
	}
	user, err := spec.acquireUser()
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	env := &environment{spec: spec, srv: srv, provisioned: provisioned}
	initType := process.InitOnDemand
	if provisioned {
		initType = process.InitProvisioned
	}
	env.proc, err = process.Start(process.Config{
		Command: spec.Command,
		Dir:     spec.TaskRoot,
		Env: process.LambdaEnv(process.Environment{
			FunctionName: spec.Name, MemoryMB: spec.MemoryMB, Region: spec.Region,
			Handler: spec.Handler, Runtime: spec.Runtime, TaskRoot: spec.TaskRoot, RuntimeDir: spec.RuntimeDir,
			RuntimeAPI: srv.Addr(), InitializationType: initType, HostPath: os.Getenv("PATH"), Variables: spec.Env,
		}),
		Output:    env.output,
		Truncated: func(_ process.Stream, dropped int) { spec.logLimit.cut(dropped) },
		Limits:    process.Limits{MemoryBytes: int64(spec.MemoryMB) << 20},
		User:      user,
		// A bug in the output path (a log handler, say) kills this environment, not albatross;
		// the pool replaces it on demand.
		Panicked: func(v any) {
			observe.Panicked(context.Background(), spec.Logger, "function_process", v, slog.String("function", spec.Name))
		},
	})
	owner.set(env.proc)
	if err != nil {
		_ = srv.Close()
		spec.releaseUser(user)
		return nil, spawnFailure(spec.Command[0], err)
	}
	alive, markExited := context.WithCancelCause(context.Background())
	env.alive = alive
	go func() {
		defer observe.Recover(spec.Logger, "function_environment")
		<-env.proc.Exited()
		spec.releaseUser(user) // every process of the uid is gone by now
		markExited(&exitedError{env.proc.Exit()})
		onExit(env)
	}()
	if err := env.waitReady(ctx); err != nil {
		var initErr *runtimeapi.InitError
		if errors.As(err, &initErr) {
			env.awaitExit() // a runtime exits by itself after /init/error (B.1)
		}
		env.stop()
		return nil, env.initFailed(err)
	}
	env.initDuration = time.Since(env.proc.Started())
	return env, nil
}

// waitReady waits for the end of Init, bounded by InitTimeout and by the process's life.
func (e *environment) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(e.alive, func() { cancel(context.Cause(e.alive)) })
	defer stop()
	ctx, cancelTimeout := context.WithTimeoutCause(ctx, e.spec.InitTimeout, errInitTimeout)
	defer cancelTimeout()
	return e.srv.WaitReady(ctx)
}

// initFailed turns the reason Init ended into the failure reported to invocations. Called after
// the process is gone, so its output is complete.
func (e *environment) initFailed(err error) error {
	var (
		initErr *runtimeapi.InitError
		exited  *exitedError
		failure *initFailure
	)
	switch {
	case errors.As(err, &initErr):
		failure = initErrorFailure(initErr)
	case errors.As(err, &exited) && e.srv.InitErr() != nil:
		failure = initErrorFailure(e.srv.InitErr()) // posted /init/error, then exited
	case errors.As(err, &exited):
		failure = initExitFailure(exited.exit)
	case errors.Is(err, errInitTimeout):
		failure = initTimeoutFailure(e.spec.InitTimeout)
	default:
		return ErrStopped
	}
	failure.logs = e.initLog.bytes()
	return failure
}

// output receives each line the process writes (process), for the invocation in progress or,
// before the first one, for the Init phase.
// Lines over the function's log budget still reach the log tail (X-Amz-Log-Result, bounded)
// but not the logger; a summary line counts them.
func (e *environment) output(_ process.Stream, line string) {
	ok, dropped := e.spec.logLimit.allow(line, time.Now())
	dropped.log(e.spec.Logger, e.spec.Name)
	if l := e.sink.Load(); l != nil {
		if ok {
			l.line(line)
		} else {
			l.tail.add(line)
		}
		return
	}
	if !e.invoked.Load() {
		e.initLog.add(line)
	}
	if ok {
		e.spec.Logger.Info(line, "function", e.spec.Name)
	}
}

// awaitExit gives the process up to StopGrace to exit by itself.
func (e *environment) awaitExit() {
	t := time.NewTimer(e.spec.StopGrace)
	defer t.Stop()
	select {
	case <-e.proc.Exited():
	case <-t.C:
	}
}

// stop ends the environment: SIGTERM, SIGKILL after the grace period (B.5), then the server.
func (e *environment) stop() {
	e.proc.Stop(e.spec.StopGrace)
	_ = e.srv.Close()
	e.spec.logLimit.flush().log(e.spec.Logger, e.spec.Name)
}
