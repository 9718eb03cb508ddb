package targetgroup_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// backend is an HTTP target on 127.0.0.1 whose health endpoint and traffic fail while down.
type backend struct {
	srv    *httptest.Server
	port   int
	down   atomic.Bool
	served atomic.Int32
	// afterReload counts requests to /after-reload, sent once a reload removed a target.
	afterReload atomic.Int32
	hold        time.Duration
}

func newBackend(t *testing.T, hold time.Duration) *backend {
	b := &backend{hold: hold}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusOK
		if b.down.Load() {
			status = http.StatusServiceUnavailable
		}
		if r.URL.Path == "/health" {
			w.WriteHeader(status)
			return
		}
		b.served.Add(1)
		if r.URL.Path == "/after-reload" {
			b.afterReload.Add(1)
		}
		time.Sleep(b.hold)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(b.srv.Close)
	_, port, _ := net.SplitHostPort(b.srv.Listener.Addr().String())
	b.port, _ = strconv.Atoi(port)
	return b
}

// frontend serves a target group the way the router does: ALB errors become their status.
func frontend(t *testing.T, h *atomic.Pointer[targetgroup.HTTPGroup]) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(observe.WithExchange(r.Context(), &observe.Exchange{}))
		if err := h.Load().ServeHTTP(w, r); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				e = &elberr.Error{Status: http.StatusInternalServerError}
			}
			w.WriteHeader(e.Status)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return resp.StatusCode, err
}

func waitState(t *testing.T, tg *targetgroup.Target, want targetgroup.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for tg.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s stayed %v, want %v", tg.Addr, tg.State(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// build registers backends in a registry with real HTTP health checks and returns the group.
func build(reg *targetgroup.Registry, o targetgroup.Options, proxy *httptarget.Proxy, bs ...*backend) (*targetgroup.HTTPGroup, []*targetgroup.Target) {
	var ts []*targetgroup.Target
	keep := map[*targetgroup.Target]bool{}
	for _, b := range bs {
		tg := reg.Target("web", "127.0.0.1", b.port)
		reg.Check(tg, targetgroup.CheckSpec{Key: "http",
			Prober:   health.NewHTTPProber(health.HTTPOptions{IP: "127.0.0.1", Port: b.port, Path: "/health"}),
			Settings: health.Settings{Interval: 50 * time.Millisecond, Timeout: 2 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}})
		ts = append(ts, tg)
		keep[tg] = true
	}
	group := targetgroup.NewGroup("web", "arn:web", ts, o)
	group.Activate()
	g := targetgroup.NewHTTPGroup(group, proxy)
	reg.Retain(keep)
	return g, ts
}

// TestFlappingBackend: HC-01/HC-05 end to end on real sockets. A backend that goes down and up
// three times is taken out of rotation when its checks fail and put back when they pass; every
// request sent while the verdicts stand succeeds.
func TestFlappingBackend(t *testing.T) {
	t.Parallel()
	stable, flappy := newBackend(t, 0), newBackend(t, 0)
	reg := targetgroup.NewRegistry()
	t.Cleanup(reg.Close)
	proxy := httptarget.New(httptarget.Options{})
	t.Cleanup(proxy.Close)
	g, ts := build(reg, targetgroup.Options{}, proxy, stable, flappy)
	var current atomic.Pointer[targetgroup.HTTPGroup]
	current.Store(g)
	url := frontend(t, &current).URL
	waitState(t, ts[0], targetgroup.StateHealthy)
	waitState(t, ts[1], targetgroup.StateHealthy)
	for cycle := range 3 {
		flappy.down.Store(true)
		waitState(t, ts[1], targetgroup.StateUnhealthy)
		before := flappy.served.Load()
		for range 10 {
			if status, err := get(t, url); err != nil || status != http.StatusOK {
				t.Fatalf("cycle %d, flappy down: %d %v", cycle, status, err)
			}
		}
		if flappy.served.Load() != before {
			t.Fatalf("cycle %d: unhealthy backend got traffic", cycle)
		}
		flappy.down.Store(false)
		waitState(t, ts[1], targetgroup.StateHealthy)
		for range 10 {
			if status, err := get(t, url); err != nil || status != http.StatusOK {
				t.Fatalf("cycle %d, flappy up: %d %v", cycle, status, err)
			}
		}
		if flappy.served.Load() == before {
			t.Fatalf("cycle %d: recovered backend got no traffic", cycle)
		}
	}
}

// TestDrainingUnderLoad: ALG-04 end to end. With requests in flight on a target, a reload that
// removes it lets every one of them finish, and new requests (old or new revision) avoid it.
func TestDrainingUnderLoad(t *testing.T) {
	t.Parallel()
	a, b := newBackend(t, 300*time.Millisecond), newBackend(t, 300*time.Millisecond)
	reg := targetgroup.NewRegistry()
	t.Cleanup(reg.Close)
	proxy := httptarget.New(httptarget.Options{})
	t.Cleanup(proxy.Close)
	opts := targetgroup.Options{DeregistrationDelay: 5 * time.Second}
	g, ts := build(reg, opts, proxy, a, b)
	var current atomic.Pointer[targetgroup.HTTPGroup]
	current.Store(g)
	url := frontend(t, &current).URL
	waitState(t, ts[0], targetgroup.StateHealthy)
	waitState(t, ts[1], targetgroup.StateHealthy)

	const inFlight = 16
	results := make(chan error, 2*inFlight)
	for range inFlight {
		go func() {
			status, err := get(t, url)
			if err == nil && status != http.StatusOK {
				err = errors.New("status " + strconv.Itoa(status))
			}
			results <- err
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for ts[1].Outstanding() < inFlight/4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if ts[1].Outstanding() == 0 {
		t.Fatal("no request in flight on the target to drain")
	}
	next, _ := build(reg, opts, proxy, a) // the reload removes b
	current.Store(next)
	if ts[1].State() != targetgroup.StateDraining {
		t.Fatalf("removed target is %v, want draining", ts[1].State())
	}
	for range inFlight {
		go func() {
			status, err := get(t, url+"/after-reload")
			if err == nil && status != http.StatusOK {
				err = errors.New("status " + strconv.Itoa(status))
			}
			results <- err
		}()
	}
	for range 2 * inFlight {
		if err := <-results; err != nil {
			t.Fatalf("request failed during draining: %v", err)
		}
	}
	if b.afterReload.Load() != 0 || a.afterReload.Load() != inFlight {
		t.Fatal("draining target got new requests")
	}
	if ts[1].State() != targetgroup.StateDraining || ts[1].Outstanding() != 0 {
		t.Fatalf("drained target is %v with %d outstanding; want draining (until the delay ends) and 0", ts[1].State(), ts[1].Outstanding())
	}
}

// TestDrainCut: ALG-04, a request still running when the delay ends is cut: 502 when the target
// had sent nothing, an aborted response when it had started answering.
func TestDrainCut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/partial" {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "part")
			http.NewResponseController(w).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	port := slow.Listener.Addr().(*net.TCPAddr).Port
	reg := targetgroup.NewRegistry()
	t.Cleanup(reg.Close)
	proxy := httptarget.New(httptarget.Options{})
	t.Cleanup(proxy.Close)
	tg := reg.Target("web", "127.0.0.1", port)
	var current atomic.Pointer[targetgroup.HTTPGroup]
	group := targetgroup.NewGroup("web", "arn:web", []*targetgroup.Target{tg}, targetgroup.Options{DeregistrationDelay: 200 * time.Millisecond})
	group.Activate()
	current.Store(targetgroup.NewHTTPGroup(group, proxy))
	reg.Retain(map[*targetgroup.Target]bool{tg: true})
	url := frontend(t, &current).URL

	type outcome struct {
		status int
		err    error
	}
	results := make(chan outcome, 2)
	for _, path := range []string{"/nothing", "/partial"} {
		go func() {
			status, err := get(t, url+path)
			results <- outcome{status, err}
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for tg.Outstanding() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("requests did not reach the target")
		}
		time.Sleep(time.Millisecond)
	}
	reg.Retain(map[*targetgroup.Target]bool{})
	var got502, aborted bool
	for range 2 {
		o := <-results
		got502 = got502 || o.err == nil && o.status == http.StatusBadGateway
		aborted = aborted || o.err != nil && o.status == http.StatusOK
	}
	if !got502 || !aborted {
		t.Fatalf("cut requests: 502=%v aborted=%v, want both", got502, aborted)
	}
}
