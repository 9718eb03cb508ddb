package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/explain"
	"github.com/albatross-lb/albatross/internal/importer"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/reconcile"
	"github.com/albatross-lb/albatross/internal/state"
)

// shutdownGrace bounds how long requests in flight may take to finish on SIGINT/SIGTERM.
const shutdownGrace = 30 * time.Second

type serveFlags struct {
	config, apiAddr, dataDir, logFormat, logLevel string
	// apiCredentials is "ACCESS_KEY_ID:SECRET_ACCESS_KEY": every API request must then be SigV4
	// signed with it. apiAllowRemote allows a non-loopback --api-addr without credentials.
	apiCredentials string
	apiAllowRemote bool
	// watchCode reloads functions when their code changes; debugFunction runs one function
	// under its debugger (docs/functions.md).
	watchCode     bool
	debugFunction string
	// apiAllowOrigins are browser origins allowed to call the API besides its own;
	// apiAllowHosts are host names accepted in Host besides the API's address, localhost and
	// loopback addresses (docs/security.md).
	apiAllowOrigins, apiAllowHosts []string
	// concurrentExecutions, when set, is the account's concurrency limit, over the file's
	// albatross.concurrent_executions.
	concurrentExecutions *int
	// functionUIDs, when set, runs every execution environment as a uid of its own.
	functionUIDs *uidRange
	// imp reads --config in any format (serverless.yml, templates, ...).
	imp importFlags
	// cl makes the node one of a cluster sharing its state through etcd.
	cl clusterFlags
	// gcFloor is the allocation between two collections while the live heap is small.
	gcFloor byteSize
}

func serve(args []string, stderr io.Writer) int {
	f := serveFlags{gcFloor: defaultGCFloor}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "configuration `file` or folder (Albatross YAML, serverless.yml, CloudFormation/SAM, Terraform, describe bundle); omit to start empty")
	f.imp.register(fs)
	fs.StringVar(&f.apiAddr, "api-addr", "", "serve the control API on `host:port`")
	fs.StringVar(&f.dataDir, "data-dir", "", "`directory` for state and caches (default: the user cache dir)")
	fs.StringVar(&f.apiCredentials, "api-credentials", "", "require SigV4-signed API requests for `ACCESS_KEY_ID:SECRET_ACCESS_KEY` (or @FILE; default $ALBATROSS_API_CREDENTIALS)")
	fs.BoolVar(&f.apiAllowRemote, "api-allow-remote", false, "allow a non-loopback --api-addr without --api-credentials")
	fs.Func("api-allow-origin", "allow browser requests from `ORIGIN` (e.g. https://ops.example; repeatable)", appendTo(&f.apiAllowOrigins))
	fs.Func("api-allow-host", "accept `NAME` in the Host header of API requests (repeatable)", appendTo(&f.apiAllowHosts))
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&f.watchCode, "watch-code", true, "reload a function when its code folder changes (rebuild for build: go); false for production. One function opts out with albatross: {watch_code: false}")
	fs.StringVar(&f.debugFunction, "debug-function", "", "run function `NAME` under its debugger (dlv, node --inspect, debugpy) with concurrency 1")
	fs.Func("concurrent-executions", "the account's concurrency `limit` for all functions, over albatross.concurrent_executions (default 1000)", concurrentExecutionsFlag(&f.concurrentExecutions))
	fs.Var(&f.gcFloor, "gc-floor", "let the heap grow by at least `SIZE` between garbage collections (0: Go's default pacing; ignored when GOGC or GOMEMLIMIT is set)")
	fs.Func("function-uids", "run each function environment as its own uid from `FIRST-LAST` (needs root; e.g. 1900000000-1900065535)", functionUIDsFlag(&f.functionUIDs))
	f.cl.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := f.cl.check(); err != nil {
		fmt.Fprintln(stderr, "albatross serve:", err)
		return 2
	}
	log, err := newLogger(stderr, f.logFormat, f.logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "albatross serve:", err)
		return 2
	}
	if err := runServer(f, log); err != nil {
		log.Error("albatross stopped", "error", err)
		fmt.Fprintln(stderr, "albatross serve:", err)
		if hint := importer.BindHint(err); hint != "" {
			fmt.Fprintln(stderr, "albatross serve:", hint)
		}
		return 1
	}
	return 0
}

// appendTo returns a flag.Func setter adding each comma-separated value to list.
func appendTo(list *[]string) func(string) error {
	return func(s string) error {
		for v := range strings.SplitSeq(s, ",") {
			if v = strings.TrimSpace(v); v == "" {
				return errors.New("empty value")
			}
			*list = append(*list, v)
		}
		return nil
	}
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, got %q", format)
}

func runServer(f serveFlags, log *slog.Logger) error {
	build := readBuildInfo()
	log.Info("albatross starting", build.logAttrs()...)
	defer startGCFloor(log, f.gcFloor)()
	data, err := openDataDir(f.dataDir)
	if err != nil {
		return err
	}
	defer data.close()
	dataDir := data.path
	var functionUIDs [2]uint32
	if f.functionUIDs != nil {
		if err := prepareForFunctionUsers(dataDir); err != nil {
			return err
		}
		functionUIDs = [2]uint32{f.functionUIDs.first, f.functionUIDs.last}
	} else if os.Geteuid() == 0 {
		log.Warn("functions run as root: root gets past every wall around the data dir (raw disks, mounts, the kernel) and reads everything else; give them users of their own with --function-uids")
	}
	isolateFunctions(log, dataDir, secretFiles(f), f.functionUIDs != nil)
	cl, err := f.cl.connect(log)
	if err != nil {
		return err
	}
	if cl != nil {
		defer cl.Close()
	}
	// Stickiness cookies stay valid across restarts with the same data directory, and across
	// nodes with the same cluster.
	key, err := stickinessKey(cl, dataDir)
	if err != nil {
		return err
	}
	opts := reconcile.Options{
		Logger:        log,
		CacheDir:      filepath.Join(dataDir, "cache"),
		BuildOutput:   os.Stderr,
		StickinessKey: key,
		WatchCode:     f.watchCode,
		DebugFunction: f.debugFunction,
		FunctionUIDs:  functionUIDs,
		ExplainRecent: explain.Recent,
		// Gated shifts resume where they stood after a restart (docs/strangler.md).
		ShiftDir:    filepath.Join(dataDir, "shift"),
		BindAddress: f.cl.bindAddress,
		NodeName:    nodeName(cl),
		NodeIP:      nodeIP(cl, f.cl.bindAddress),
	}
	if cl != nil {
		// The shifts' states live in etcd: the leader of the shift election ticks them and the
		// other nodes route with the shares it saves (docs/cluster.md). A copy in the data dir
		// serves a restart while etcd is away.
		opts.ShiftStore = cl.ShiftStore(filepath.Join(dataDir, "cluster-shift"))
		opts.ShiftLeader = cl
	}
	rt := reconcile.New(opts)
	rt.Metrics().AddSource(observe.BuildInfoSource(build.Version, build.Revision, build.GoVersion))
	if cl != nil {
		rt.Metrics().SetNode(cl.Node())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The store merges the file with the resources made through the API (kept in the data
	// directory when the API is on) and applies the result to the data plane.
	storeOpts := state.Options{Apply: rt.Apply, Logger: log}
	switch {
	case cl != nil:
		// A copy of the shared state in the data dir lets a node restarted while etcd is away
		// serve what it had (docs/cluster.md).
		if storeOpts.Backend, err = state.Cached(cl.StateBackend(), filepath.Join(dataDir, "state"), log); err != nil {
			return err
		}
		storeOpts.Localize = localizeCode(cl, codeRoot(dataDir), log)
	case f.apiAddr != "":
		storeOpts.Dir = filepath.Join(dataDir, "state")
	}
	store, err := state.Open(storeOpts)
	if err != nil {
		return err
	}
	repairCode(store, log)
	var cfg *config.Config
	var watcher *importer.Watcher
	if f.config != "" {
		// Watch before the first read, so that no edit between the two goes unnoticed; the
		// files the configuration was built from are known after the read.
		if watcher, err = importer.NewWatcher(f.config); err != nil {
			return err
		}
		res, err := f.imp.load(f.config)
		if err != nil {
			return fmt.Errorf("%s:\n%w", f.config, err)
		}
		cfg = res.Config
		logImport(log, res)
		if err := watcher.Set(res.Watch...); err != nil {
			return err
		}
	}
	if err := store.SetFile(ctx, withAccountLimit(cfg, f.concurrentExecutions)); err != nil {
		shutdown(rt, log)
		return err
	}

	var api *apiServer
	if f.apiAddr != "" {
		api, err = startAPI(f, log, store, rt, dataDir, cl)
		if err != nil {
			shutdown(rt, log)
			return err
		}
	}

	var wg sync.WaitGroup
	// Changes other nodes make through their API apply here too.
	wg.Go(func() { store.Follow(ctx) })
	if f.config != "" {
		reloads := make(chan struct{}, 1)
		wg.Go(func() { watchReloads(ctx, watcher, reloads) })
		wg.Go(func() {
			for range reloads {
				reload(ctx, store, f, watcher, log)
			}
		})
	}
	<-ctx.Done()
	log.Info("shutting down", "grace", shutdownGrace.String())
	if api != nil {
		api.close()
	}
	shutdown(rt, log)
	wg.Wait()
	return nil
}

func shutdown(rt *reconcile.DataPlane, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := rt.Close(ctx); err != nil {
		log.Warn("shutdown incomplete", "error", err)
	}
}

// watchReloads signals a reload on SIGHUP and on every change of the file; it closes reloads
// when ctx ends. Bursts collapse into one pending reload.
func watchReloads(ctx context.Context, watcher *importer.Watcher, reloads chan<- struct{}) {
	defer close(reloads)
	notify := func() {
		select {
		case reloads <- struct{}{}:
		default:
		}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// The watcher must be gone before reloads is closed (deferred calls run last-in first-out).
	var watching sync.WaitGroup
	defer watching.Wait()
	watching.Go(func() { _ = watcher.Run(ctx, notify) })
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			notify()
		}
	}
}

// reload re-reads the file; a valid configuration is swapped in, an invalid one is logged with
// all its problems and the old one keeps serving.
func reload(ctx context.Context, store *state.Store, f serveFlags, watcher *importer.Watcher, log *slog.Logger) {
	path := f.config
	res, err := f.imp.load(path)
	if res != nil {
		// Watch what this version was built from, even when it is rejected: fixing a
		// ${file()} it reads must trigger the next reload.
		if werr := watcher.Set(res.Watch...); werr != nil {
			log.Warn("configuration watch incomplete", "error", werr)
		}
	}
	if err == nil {
		logImport(log, res)
		err = store.SetFile(ctx, withAccountLimit(res.Config, f.concurrentExecutions))
	}
	if err != nil {
		var problems config.Problems
		if errors.As(err, &problems) {
			log.Error("configuration rejected; the previous one keeps serving", "file", path, "problems", len(problems))
			for _, p := range problems {
				log.Error("configuration problem", "path", p.Path, "problem", p.Message)
			}
			return
		}
		log.Error("configuration not applied; the previous one keeps serving", "file", path, "error", err)
		return
	}
	log.Info("configuration reloaded", "file", path)
}

// logImport logs what the importer left out or changed, one line each.
func logImport(log *slog.Logger, res *importer.Result) {
	if res.Format != importer.Albatross && res.Format != "" {
		log.Info("configuration imported", "format", string(res.Format), "load_balancers", len(res.Config.LoadBalancers),
			"target_groups", len(res.Config.TargetGroups), "functions", len(res.Config.Functions))
	}
	for _, w := range res.Warnings {
		log.Warn("import", "note", w)
	}
}
