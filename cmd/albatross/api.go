package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/cluster"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/controlapi/elbv2"
	"github.com/albatross-lb/albatross/internal/controlapi/lambda"
	"github.com/albatross-lb/albatross/internal/explain"
	"github.com/albatross-lb/albatross/internal/observe/dashboard"
	"github.com/albatross-lb/albatross/internal/reconcile"
	"github.com/albatross-lb/albatross/internal/state"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// authPublicKeysPath is where targets fetch the public key of x-amzn-oidc-data by kid
// (AUTH-03): GET /auth/public-keys/<kid>.
const authPublicKeysPath = "/auth/public-keys/"

// apiServer is the control plane: the ELBv2 API at POST /, the Lambda API under
// /2015-03-31/functions, /healthz, /metrics (Prometheus), /explain and the /dashboard/.
type apiServer struct {
	srv    *http.Server
	lambda *lambda.Handler
}

// startAPI binds the API address and serves it. Without credentials it listens on loopback
// only, unless --api-allow-remote says otherwise: an unsigned API open to the network would let anyone
// reconfigure the load balancer.
//
// cl, when not nil, is the cluster: uploaded code is shared through it, and /healthz says
// "degraded" while etcd does not answer (the node keeps serving its last state, docs/cluster.md).
func startAPI(f serveFlags, log *slog.Logger, store *state.Store, rt *reconcile.DataPlane, dataDir string, cl *cluster.Cluster) (*apiServer, error) {
	verifier, err := parseCredentials(f.apiCredentials)
	if err != nil {
		return nil, err
	}
	if verifier == nil && !f.apiAllowRemote && !isLoopback(f.apiAddr) {
		return nil, fmt.Errorf("--api-addr %s is not a loopback address: set --api-credentials so that requests must be signed, or --api-allow-remote to serve it unauthenticated", f.apiAddr)
	}
	ln, err := net.Listen("tcp", f.apiAddr)
	if err != nil {
		return nil, fmt.Errorf("--api-addr: %w", err)
	}
	lamOpts := lambda.Options{Store: store, Functions: rt, CodeDir: codeRoot(dataDir), Logger: log}
	var storeHealth func(context.Context) error
	if cl != nil {
		lamOpts.SharedCode, storeHealth = cl, cl.Check
	}
	lam := lambda.New(lamOpts)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if storeHealth != nil {
			if err := storeHealth(r.Context()); err != nil {
				// Still 200: the node routes with the state it has, and a health check in front of
				// it must not take every node out at once when etcd is down.
				_, _ = io.WriteString(w, "degraded: "+err.Error()+"\n")
				return
			}
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", rt.Metrics().Handler())
	mux.Handle("/explain", explain.Handler(rt.ServedConfig))
	mux.Handle("GET /strangler/diff", rt.ShadowHandler())
	mux.Handle("/strangler/shift", rt.ShiftHandler())
	if verifier != nil {
		sessions := dashboard.NewSessions(verifier.Accepts)
		mux.Handle("/dashboard/login", sessions.Login())
		mux.Handle("/dashboard/", sessions.Require(rt.DashboardHandler()))
	} else {
		mux.Handle("/dashboard/", rt.DashboardHandler())
	}
	mux.Handle("/2015-03-31/", lam)
	mux.Handle("/2017-10-31/", lam)
	mux.Handle("/{$}", elbv2.New(elbv2.Options{Store: store, Health: runtimeHealth{rt}, Weights: rt, Logger: log,
		CertificateDir: filepath.Join(dataDir, "certificates")}))
	guard := &controlapi.Guard{
		Verifier:       verifier,
		Hosts:          controlapi.HostPolicy{Addr: f.apiAddr, Names: f.apiAllowHosts},
		AllowedOrigins: f.apiAllowOrigins,
		Browser:        browserRead,
		Region:         func() string { return store.Snapshot().Config.EffectiveRegion() },
		BodyLimit:      apiBodyLimit,
		Logger:         log,
	}
	handler := controlapi.WithRequestID(guard.Wrap(mux))
	// The keys verifying x-amzn-oidc-data are public, like AWS's public-keys.auth.elb endpoint, so
	// they are served outside the guard.
	outer := http.NewServeMux()
	outer.Handle("GET "+authPublicKeysPath, http.StripPrefix(strings.TrimSuffix(authPublicKeysPath, "/"), rt.AuthPublicKeysHandler()))
	outer.Handle("/", handler)
	handler = outer
	if cl != nil {
		// Health, metrics and the dashboard are this node's own (docs/cluster.md): every answer
		// says which node gave it. An Albatross header, beside the AWS-shaped bodies.
		inner := handler
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Albatross-Node", cl.Node())
			inner.ServeHTTP(w, r)
		})
	}
	// An idle keep-alive connection is closed after two minutes, so idle clients cannot pile up
	// connections; bodies are bounded by size (the guard), not by time, since a 70 MB upload may
	// be slow.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = srv.Serve(ln) }()
	log.Info("api bound", "addr", ln.Addr().String(), "signed", verifier != nil)
	return &apiServer{srv: srv, lambda: lam}, nil
}

// browserRead reports whether r is one of the reads a browser makes without a signature: the
// dashboard (its page, the data it polls, its login), /healthz and /metrics (Prometheus does not
// sign). Everything else on the API address needs SigV4 (docs/security.md).
func browserRead(r *http.Request) bool {
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch p := r.URL.Path; {
	case p == "/healthz" || p == "/metrics" || p == "/dashboard": // the last redirects to /dashboard/
		return read
	case p == "/dashboard/login":
		return read || r.Method == http.MethodPost
	case strings.HasPrefix(p, "/dashboard/"):
		return read
	}
	return false
}

// apiBodyLimit is each API's request body limit, applied before anything is read.
func apiBodyLimit(path string) int64 {
	switch {
	case controlapi.IsRESTPath(path):
		return lambda.BodyLimit(path)
	case path == "/":
		return controlapi.MaxQueryBody
	}
	return explainBodyLimit
}

// explainBodyLimit is /explain's body limit (the Lambda event body limit it explains, LAM-03).
const explainBodyLimit = 1 << 20

// apiGrace bounds how long API requests and Event invocations in flight may take at shutdown;
// the data plane's own grace follows.
const apiGrace = 5 * time.Second

// close stops the API: no new requests, those in flight and Event invocations given apiGrace,
// then connections closed.
func (a *apiServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), apiGrace)
	defer cancel()
	if err := a.srv.Shutdown(ctx); err != nil {
		_ = a.srv.Close()
	}
	_ = a.lambda.Close(ctx)
}

// runtimeHealth reports the data plane's target health (HC-04) to DescribeTargetHealth.
type runtimeHealth struct{ rt *reconcile.DataPlane }

var (
	_ elbv2.HealthSource   = runtimeHealth{}
	_ elbv2.DrainingSource = runtimeHealth{}
)

// TargetHealth looks the target up by group name, id and port (0 for Lambda targets); a target
// the data plane has not registered yet is initial with Elb.RegistrationInProgress.
func (h runtimeHealth) TargetHealth(_ string, tg *config.TargetGroup, t config.Target) elbv2.TargetHealth {
	port := 0
	if tg.EffectiveTargetType() != config.TargetTypeLambda {
		port = tg.TargetPort(t)
	}
	th, ok := h.rt.TargetHealthOf(tg.Name, t.ID, port)
	if !ok {
		return elbv2.TargetHealth{State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress"}
	}
	return elbv2.TargetHealth{State: th.State.String(), Reason: th.Reason, Description: th.Description}
}

// Draining returns the group's targets that the data plane still drains after deregistration.
func (h runtimeHealth) Draining(tg *config.TargetGroup) ([]config.Target, []elbv2.TargetHealth) {
	var targets []config.Target
	var health []elbv2.TargetHealth
	for _, th := range h.rt.TargetHealth(tg.Name) {
		if th.State != targetgroup.StateDraining {
			continue
		}
		targets = append(targets, config.Target{ID: th.ID, Port: th.Port})
		health = append(health, elbv2.TargetHealth{State: th.State.String(), Reason: th.Reason, Description: th.Description})
	}
	return targets, health
}

// parseCredentials reads "ACCESS_KEY_ID:SECRET_ACCESS_KEY", "@FILE" holding that, or (when
// empty) $ALBATROSS_API_CREDENTIALS; nothing at all means no signature required.
func parseCredentials(s string) (*controlapi.SigV4, error) {
	id, secret, err := readCredentials(s)
	if err != nil || id == "" {
		return nil, err
	}
	return &controlapi.SigV4{Credentials: map[string]string{id: secret}}, nil
}

// isLoopback reports whether addr (host:port) names only loopback addresses.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
