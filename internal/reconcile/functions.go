package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/function/build"
	"github.com/albatross-lb/albatross/internal/function/runtimes"
	"github.com/albatross-lb/albatross/internal/lambdatarget"
)

// functionSet keeps running functions by name across reloads: a function whose settings and code
// did not change keeps its warm environments.
type functionSet struct {
	opts    Options
	builder *build.Builder

	// account is Lambda's account concurrency, shared by every unreserved function.
	account *function.Account

	// users hands out function uids (Options.FunctionUIDs), nil without.
	users *function.UIDRange

	mu      sync.Mutex
	running map[string]*runningFunction
	// unavailable are the committed configuration's functions that Albatross does not run.
	unavailable map[string]unavailableFunction
}

type runningFunction struct {
	fn          *function.Function
	fingerprint string
}

func newFunctionSet(opts Options) *functionSet {
	var users *function.UIDRange
	if r := opts.FunctionUIDs; r != [2]uint32{} {
		// serve checked the range; a bad one leaves functions on albatross's own uid, said loudly.
		var err error
		if users, err = function.NewUIDRange(r[0], r[1]); err != nil {
			opts.Logger.Error("function users off", "error", err)
		}
	}
	return &functionSet{
		users:   users,
		opts:    opts,
		builder: &build.Builder{CacheDir: opts.CacheDir + "/build", Output: opts.BuildOutput, Logger: opts.Logger},
		running: map[string]*runningFunction{},
		account: function.NewAccount(config.DefaultConcurrencyLimit, 0),
	}
}

// preparedFunctions is the function side of a configuration being applied.
type preparedFunctions struct {
	set     *functionSet
	limit   int // the account's concurrency limit and the reserved total, applied at commit
	reserve int
	byName  map[string]*runningFunction
	created []*runningFunction
	// unavailable are the functions Albatross does not run (config.Function.Unavailable).
	unavailable map[string]unavailableFunction
}

// unavailableFunction answers every invocation of a function that cannot run with
// function.ErrInvalidRuntime, as Lambda does for a runtime it no longer supports.
type unavailableFunction struct{ name, reason string }

func (u unavailableFunction) Invoke(context.Context, []byte) (*function.Response, error) {
	return nil, fmt.Errorf("%w: %s: %s", function.ErrInvalidRuntime, u.name, u.reason)
}

// InvokeWith answers the Lambda Invoke API as Invoke answers a target group.
func (u unavailableFunction) InvokeWith(ctx context.Context, _ function.Invocation) (*function.Response, error) {
	return u.Invoke(ctx, nil)
}

// prepare builds and starts what cfg needs that is not running yet. Nothing running is stopped
// until commit.
func (s *functionSet) prepare(ctx context.Context, cfg *config.Config) (*preparedFunctions, error) {
	p := &preparedFunctions{set: s, byName: map[string]*runningFunction{}, unavailable: map[string]unavailableFunction{},
		limit: cfg.EffectiveConcurrentExecutions(), reserve: cfg.ReservedConcurrency()}
	var errs []error
	for i := range cfg.Functions {
		f := &cfg.Functions[i]
		if f.Unavailable != "" {
			p.unavailable[f.FunctionName] = unavailableFunction{name: f.FunctionName, reason: f.Unavailable}
			continue
		}
		spec, err := s.spec(ctx, cfg, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("functions[%d] %s: %w", i, f.FunctionName, err))
			continue
		}
		fp := fingerprint(spec)
		s.mu.Lock()
		old, ok := s.running[f.FunctionName]
		s.mu.Unlock()
		if ok && old.fingerprint == fp {
			p.byName[f.FunctionName] = old
			continue
		}
		fn, err := function.New(spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("functions[%d] %s: %w", i, f.FunctionName, err))
			continue
		}
		rf := &runningFunction{fn: fn, fingerprint: fp}
		p.byName[f.FunctionName] = rf
		p.created = append(p.created, rf)
	}
	if err := errors.Join(errs...); err != nil {
		p.abort()
		return nil, err
	}
	return p, nil
}

// spec resolves what to run for f: a Go build, a shipped runtime bootstrap, or the code's own
// bootstrap.
func (s *functionSet) spec(ctx context.Context, cfg *config.Config, f *config.Function) (function.Spec, error) {
	var command []string
	var err error
	if f.Build == "go" {
		var bootstrap string
		bootstrap, err = s.builder.Build(ctx, f.Code)
		command = []string{bootstrap}
	} else {
		command, err = runtimes.Command(f.Runtime, f.Handler, f.Code, s.opts.CacheDir+"/runtimes")
	}
	if err != nil {
		return function.Spec{}, err
	}
	spec := function.Spec{
		Name:        f.FunctionName,
		ARN:         cfg.FunctionARN(f.FunctionName),
		Command:     command,
		TaskRoot:    f.Code,
		Users:       s.users,
		Handler:     f.Handler,
		Runtime:     f.Runtime,
		Timeout:     f.EffectiveTimeout(),
		MemoryMB:    f.EffectiveMemorySize(),
		Reserved:    f.ConcurrencyLimit(),
		Provisioned: f.ProvisionedConcurrency,
		Region:      cfg.EffectiveRegion(),
		Logger:      s.opts.Logger,
	}
	if f.ReservedConcurrentExecutions == nil {
		// Unreserved: shares the account's concurrency with the other unreserved functions.
		spec.Reserved, spec.UnreservedLimit, spec.Account = -1, cfg.EffectiveConcurrentExecutions(), s.account
	}
	if f.Environment != nil {
		spec.Env = f.Environment.Variables
	}
	if f.FunctionName == s.opts.DebugFunction {
		if err := debugSpec(&spec); err != nil {
			return function.Spec{}, err
		}
	}
	if s.opts.WatchCode && f.WatchesCode() {
		spec.Watch = s.codeWatch(f, spec)
	}
	return spec, nil
}

// fingerprint identifies a spec and the executable it runs, so that a changed bootstrap restarts
// the function.
func fingerprint(spec function.Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %q %q %q %v %d %d %d %d %q %v %t", spec.Name, spec.ARN, spec.Command, spec.TaskRoot,
		spec.Handler+"|"+spec.Runtime, spec.Timeout, spec.MemoryMB, spec.Reserved, spec.UnreservedLimit, spec.Provisioned, spec.Region, spec.Env,
		spec.Watch != nil)
	if len(spec.Command) > 0 {
		if st, err := os.Stat(spec.Command[0]); err == nil {
			fmt.Fprintf(&b, " %d %d", st.Size(), st.ModTime().UnixNano())
		}
	}
	return b.String()
}

// invoker returns the function a Lambda target id names (a name or an ARN), or nil.
func (p *preparedFunctions) invoker(id string) lambdatarget.Invoker {
	name := id
	if n, _, ok := config.ParseFunctionARN(id); ok {
		name = n
	}
	if rf, ok := p.byName[name]; ok {
		return rf.fn
	}
	if u, ok := p.unavailable[name]; ok {
		return u
	}
	return nil
}

// invokedARN is the ARN a Lambda target id invokes: the id itself when it is an ARN (with its
// qualifier, LAM-04), else the function's unqualified ARN.
func (p *preparedFunctions) invokedARN(cfg *config.Config, id string) string {
	if _, _, ok := config.ParseFunctionARN(id); ok {
		return id
	}
	return cfg.FunctionARN(id)
}

// abort stops the functions this preparation started.
func (p *preparedFunctions) abort() {
	for _, rf := range p.created {
		go guarded(p.set.opts.Logger, "function_retire", func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = rf.fn.Close(ctx)
		})
	}
}

// commit makes the prepared set the running one and retires the functions it no longer has,
// after giving invocations in flight on the old graph time to finish.
func (p *preparedFunctions) commit() {
	s := p.set
	s.account.SetLimits(p.limit, p.reserve)
	s.mu.Lock()
	old := s.running
	s.running, s.unavailable = p.byName, p.unavailable
	s.mu.Unlock()
	for name, rf := range old {
		if p.byName[name] == rf {
			continue
		}
		go retire(s.opts.Logger, rf.fn, s.opts.DrainTimeout)
	}
}

// retire stops a function the new configuration no longer uses, once the invocations that
// requests on the old graph started have finished (bounded by drain): a reload fails no request.
// Requests that had already resolved the old function may still invoke it just after the swap,
// so it must be seen idle twice in a row.
func retire(log *slog.Logger, fn retiree, drain time.Duration) {
	// A panic while waiting ends the wait; the function is closed all the same.
	guarded(log, "function_retire", func() {
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for quiet := 0; quiet < 2; {
			select {
			case <-ctx.Done():
				quiet = 2
			case <-tick.C:
				if st := fn.Stats(); st.Busy == 0 && st.Queued == 0 && st.Starting == 0 {
					quiet++
				} else {
					quiet = 0
				}
			}
		}
	})
	guarded(log, "function_retire", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = fn.Close(ctx)
	})
}

// close stops every running function.
func (s *functionSet) close(ctx context.Context) error {
	s.mu.Lock()
	running := s.running
	s.running = map[string]*runningFunction{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, len(running))
	for _, rf := range running {
		wg.Go(func() { errs <- rf.fn.Close(ctx) })
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}
