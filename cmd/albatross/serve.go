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
	"sync"
	"syscall"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/config/file"
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
}

func serve(args []string, stderr io.Writer) int {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "configuration `file` (YAML); omit to start empty")
	fs.StringVar(&f.apiAddr, "api-addr", "", "serve the control API on `host:port`")
	fs.StringVar(&f.dataDir, "data-dir", "", "`directory` for state and caches (default: the user cache dir)")
	fs.StringVar(&f.apiCredentials, "api-credentials", "", "require SigV4-signed API requests for `ACCESS_KEY_ID:SECRET_ACCESS_KEY` (or @FILE; default $ALBATROSS_API_CREDENTIALS)")
	fs.BoolVar(&f.apiAllowRemote, "api-allow-remote", false, "allow a non-loopback --api-addr without --api-credentials")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
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
		return 1
	}
	return 0
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
	dataDir, err := resolveDataDir(f.dataDir)
	if err != nil {
		return err
	}
	rt := reconcile.New(reconcile.Options{
		Logger:      log,
		CacheDir:    filepath.Join(dataDir, "cache"),
		BuildOutput: os.Stderr,
	})
	rt.Metrics().AddSource(observe.BuildInfoSource(build.Version, build.Revision, build.GoVersion))
	// Stickiness cookies stay valid across restarts with the same data directory.
	key, err := reconcile.LoadStickinessKey(dataDir)
	if err != nil {
		return err
	}
	if err := rt.SetStickinessKey(key); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The store merges the file with the resources made through the API (kept in the data
	// directory when the API is on) and applies the result to the data plane.
	storeOpts := state.Options{Apply: rt.Apply}
	if f.apiAddr != "" {
		storeOpts.Dir = filepath.Join(dataDir, "state")
	}
	store, err := state.Open(storeOpts)
	if err != nil {
		return err
	}
	var cfg *config.Config
	var watcher *file.Watcher
	if f.config != "" {
		// Watch before the first read, so that no edit between the two goes unnoticed.
		if watcher, err = file.NewWatcher(f.config); err != nil {
			return err
		}
		if cfg, err = file.Load(f.config); err != nil {
			return fmt.Errorf("%s:\n%w", f.config, err)
		}
	}
	if err := store.SetFile(ctx, cfg); err != nil {
		shutdown(rt, log)
		return err
	}

	var api *apiServer
	if f.apiAddr != "" {
		api, err = startAPI(f, log, store, rt, dataDir)
		if err != nil {
			shutdown(rt, log)
			return err
		}
	}

	var wg sync.WaitGroup
	if f.config != "" {
		reloads := make(chan struct{}, 1)
		wg.Go(func() { watchReloads(ctx, watcher, reloads) })
		wg.Go(func() {
			for range reloads {
				reload(ctx, store, f.config, log)
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

func shutdown(rt *reconcile.Runtime, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := rt.Close(ctx); err != nil {
		log.Warn("shutdown incomplete", "error", err)
	}
}

// watchReloads signals a reload on SIGHUP and on every change of the file; it closes reloads
// when ctx ends. Bursts collapse into one pending reload.
func watchReloads(ctx context.Context, watcher *file.Watcher, reloads chan<- struct{}) {
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
func reload(ctx context.Context, store *state.Store, path string, log *slog.Logger) {
	cfg, err := file.Load(path)
	if err == nil {
		err = store.SetFile(ctx, cfg)
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

func resolveDataDir(dir string) (string, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "albatross")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("--data-dir: %w", err)
	}
	return filepath.Abs(dir)
}
