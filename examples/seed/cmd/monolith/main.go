// Command monolith is the demo's ticket site before any of it moved into functions: one Go web
// server with pages for events and seats and a checkout flow. The demo runs it three times: two
// instances in the "site" target group, which browsers reach round robin, and one in the
// "checkout" group, so buyers are not slowed by browsers. Every answer names its instance in the
// X-Instance header and in the page footer, so the load balancer's routing is visible.
//
//	monolith -addr 127.0.0.1:8081 -name site-1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	name := flag.String("name", "monolith", "instance name shown in the X-Instance header and pages")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stdout, nil)).With("instance", *name)
	if err := run(*addr, *name, logger); err != nil {
		logger.Error("monolith stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then lets in-flight requests finish (bounded).
func run(addr, name string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           newSite(name, time.Now).routes(logger),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
