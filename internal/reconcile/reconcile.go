// Package reconcile is the one translator from configuration to the data plane: it compiles a
// validated configuration into routers, target groups and functions, binds the listeners, and
// swaps the whole graph in atomically. State that must survive a reload (target health, warm
// function environments, connection pools, listening sockets) is kept by identity.
package reconcile

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/shift"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// Options configure the data plane as a whole.
type Options struct {
	// Logger receives the data plane's logs. nil means slog.Default().
	Logger *slog.Logger
	// CacheDir holds built function binaries and shipped runtime bootstraps.
	CacheDir string
	// BuildOutput receives the output of function builds, shown to the user. nil discards it.
	BuildOutput io.Writer
	// StickinessKey authenticates every stickiness cookie (AWSALB, AWSALBAPP-0, AWSALBTG); at
	// least 16 bytes, such as LoadStickinessKey reads from the data directory so that clients
	// stay stuck across restarts. nil means a random key for this process.
	StickinessKey []byte
	// DrainTimeout bounds how long retired listeners and functions may finish work in flight.
	// Zero means 30 s.
	DrainTimeout time.Duration
	// WatchCode reloads a function's code when its source folder changes (the developer loop,
	// docs/functions.md). Zero means off; `albatross serve` turns it on unless
	// --watch-code=false.
	WatchCode bool
	// DebugFunction names a function run under its language's debugger with concurrency 1
	// (docs/functions.md "Debugging a function"). "" means none.
	DebugFunction string
	// FunctionUIDs, when not zero, is the range FIRST..LAST from which every execution
	// environment gets a uid of its own (function.Spec.Users; serve --function-uids).
	FunctionUIDs [2]uint32
	// ShiftStore keeps the state of gated weight shifts (docs/strangler.md) so that they survive
	// a restart; a cluster gives its shared store, a shift.Follower whose changes this node
	// follows. nil means a file store in ShiftDir.
	ShiftStore shift.Store
	// ShiftLeader elects the one node of a cluster that ticks the shifts (*cluster.Cluster with
	// --store, docs/cluster.md); the others only follow the states it saves. nil: this node
	// ticks them.
	ShiftLeader Elector
	// ShiftDir is where ShiftStore is nil: "" keeps shift states in memory only.
	ShiftDir string
	// ShiftTick is how often shifts judge their gates. Zero means 1 s; negative means never
	// (tests tick themselves).
	ShiftTick time.Duration
	// ExplainRecent explains a recent request for the dashboard's detail view: the rule that
	// ran, in one line, and the explain text (package explain provides it; it sits above
	// reconcile). nil leaves the detail view without the explanation.
	ExplainRecent func(cfg *config.Config, method, url, sourceIP string, headers []string) (rule, text string, err error)
	// BindAddress, when set, is the IP address every listener binds instead of the one its
	// configuration names (the port stays), so that several nodes of a cluster can share a
	// machine or a virtual IP (--bind-address, docs/cluster.md). ARNs keep the configured one.
	BindAddress string
	// NodeName names this node of a cluster on the dashboard (--node-name); "" for a node alone.
	NodeName string
	// NodeIP is the address the node's access- and connection-log files carry in their names
	// (LOG-01); "" means BindAddress, and without that 127.0.0.1.
	NodeIP string
}

// DataPlane is the running data plane. Apply replaces what it serves; Close stops it. Apply and
// Close must not be called concurrently with each other (the caller serialises reloads).
type DataPlane struct {
	opts      Options
	log       *slog.Logger
	registry  *targetgroup.Registry
	proxies   *proxyCache
	functions *functionSet
	shadows   *shadows
	shifts    *shifts
	stickyKey []byte
	// observability is made on first use (obs), and lives as long as the DataPlane.
	obsOnce       sync.Once
	observability *observability
	// served is the configuration of the latest Apply that succeeded.
	served atomic.Pointer[served]

	mu        sync.Mutex
	listeners map[string]*boundListener
}

type boundListener struct {
	l        *listener.Listener
	protocol string
}

// New returns an empty data plane.
func New(opts Options) *DataPlane {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.DrainTimeout == 0 {
		opts.DrainTimeout = 30 * time.Second
	}
	key := append([]byte(nil), opts.StickinessKey...)
	switch {
	case len(key) == 0:
		key = make([]byte, stickinessKeyLen)
		_, _ = rand.Read(key)
	case len(key) < 16:
		panic(fmt.Sprintf("reconcile: stickiness key of %d bytes, want at least 16", len(key)))
	}
	registry := targetgroup.NewRegistry()
	registry.SetLogger(opts.Logger)
	return &DataPlane{
		opts:      opts,
		log:       opts.Logger,
		registry:  registry,
		proxies:   newProxyCache(),
		functions: newFunctionSet(opts),
		shadows:   newShadows(),
		shifts:    newShifts(opts),
		stickyKey: key,
		listeners: map[string]*boundListener{},
	}
}

// Apply makes cfg the configuration being served. cfg must have passed Validate. The new graph
// is built beside the old one without changing anything live (build, then commit): if anything
// fails (a function does not build, a certificate is missing, a port cannot be bound) what the
// build prepared is released, nothing changes and the error says why. Otherwise every listener switches to the new
// graph at once: requests in flight finish on the old one, added listeners open, removed ones
// close after draining.
func (dp *DataPlane) Apply(ctx context.Context, cfg *config.Config) error {
	fns, err := dp.functions.prepare(ctx, cfg)
	if err != nil {
		return err
	}
	g, err := dp.build(cfg, fns)
	if err != nil {
		dp.discard(g)
		fns.abort()
		return err
	}

	dp.mu.Lock()
	defer dp.mu.Unlock()
	opened, err := dp.bindNew(g)
	if err != nil {
		for _, b := range opened {
			_ = b.l.Close(context.Background())
		}
		dp.discard(g)
		fns.abort()
		return err
	}
	for addr, plan := range g.listeners {
		b, ok := dp.listeners[addr]
		if !ok {
			b = opened[addr]
			dp.listeners[addr] = b
		} else {
			b.l.SetHandler(plan.handler)
			b.l.SetOptions(plan.options)
		}
	}
	for addr, b := range dp.listeners {
		if _, keep := g.listeners[addr]; !keep {
			delete(dp.listeners, addr)
			dp.log.Info("listener closing", "addr", addr)
			go drainListener(dp.log, b.l, dp.opts.DrainTimeout)
		}
	}
	fns.commit()
	dp.commit(g)
	return nil
}

// bindNew binds every listener of g that is not bound yet, before anything is swapped, so that a
// port that cannot be bound leaves the old configuration serving.
func (dp *DataPlane) bindNew(g *graph) (map[string]*boundListener, error) {
	opened := map[string]*boundListener{}
	var errs []error
	for addr, plan := range g.listeners {
		if _, ok := dp.listeners[addr]; ok {
			continue
		}
		l, err := listener.Listen(dp.bindAddr(addr), plan.handler, plan.options, dp.log)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: cannot listen on %s: %w", plan.path, addr, err))
			continue
		}
		dp.log.Info("listener bound", "addr", l.Addr().String(), "protocol", plan.protocol, "load_balancer", plan.loadBalancer)
		opened[addr] = &boundListener{l: l, protocol: plan.protocol}
	}
	return opened, errors.Join(errs...)
}

// bindAddr is the socket address to bind for the configured listener address addr.
func (dp *DataPlane) bindAddr(addr string) string {
	if dp.opts.BindAddress == "" {
		return addr
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return net.JoinHostPort(dp.opts.BindAddress, port)
}

// Addrs returns the bound address of every listener, keyed by its configured address.
func (dp *DataPlane) Addrs() map[string]net.Addr {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	out := make(map[string]net.Addr, len(dp.listeners))
	for addr, b := range dp.listeners {
		out[addr] = b.l.Addr()
	}
	return out
}

// Close stops every listener (finishing requests in flight until ctx ends) and every function.
func (dp *DataPlane) Close(ctx context.Context) error {
	dp.mu.Lock()
	ls := dp.listeners
	dp.listeners = map[string]*boundListener{}
	dp.mu.Unlock()
	var wg sync.WaitGroup
	for _, b := range ls {
		wg.Go(func() { _ = b.l.Close(ctx) })
	}
	wg.Wait()
	dp.shadows.close(ctx) // after the listeners: no request starts a copy any more
	dp.shifts.close()
	dp.registry.Close() // health checkers and drain timers
	dp.proxies.closeAll()
	fnErr := dp.functions.close(ctx)
	// After the listeners: the last access log lines are in, so the files can be finished.
	return errors.Join(fnErr, dp.closeObservability(ctx))
}
