package targetgroup

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/health"
)

func newTestRegistry(t *testing.T) (*Registry, *testkit.Buffer) {
	reg := NewRegistry()
	logs := &testkit.Buffer{}
	reg.SetLogger(slog.New(slog.NewTextHandler(logs, nil)))
	t.Cleanup(reg.Close)
	return reg, logs
}

// TestRegistryIdentity: the same identity yields the same *Target across revisions, so health and
// in-flight counts survive reloads: a reload must not reset a target to initial or forget its
// requests in flight.
func TestRegistryIdentity(t *testing.T) {
	t.Parallel()
	reg, _ := newTestRegistry(t)
	a := reg.Target("web", "10.0.0.1", 80)
	a.SetHealthy(false)
	if reg.Target("web", "10.0.0.1", 80) != a {
		t.Fatal("same identity, different target")
	}
	b := reg.Target("web", "10.0.0.1", 81)
	c := reg.Target("api", "10.0.0.1", 80)
	if b == a || c == a || b == c {
		t.Fatal("different identities share a target")
	}
	if a.Addr != "10.0.0.1:80" || reg.Target("v6", "::1", 8080).Addr != "[::1]:8080" {
		t.Errorf("addresses %q", a.Addr)
	}
	reg.Retain(map[*Target]bool{a: true, c: true})
	if got := reg.Target("web", "10.0.0.1", 80); got != a || got.Healthy() {
		t.Error("retained target lost its identity or health state")
	}
}

// blockingForwarder holds each request until its context ends, then fails as the transport does.
type blockingForwarder struct{ started chan string }

func (f blockingForwarder) Serve(_ http.ResponseWriter, r *http.Request, addr string) error {
	f.started <- addr
	<-r.Context().Done()
	return &elberr.Error{Status: 460, Err: r.Context().Err()}
}

// TestDeregistrationDelay: ALG-04, a removed target drains (no new requests, state draining with
// Target.DeregistrationInProgress) for the whole delay even when idle, requests in flight run on,
// and when the delay ends those still running are cut with a 502 and the target is forgotten.
func TestDeregistrationDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reg, logs := newTestRegistry(t)
		a, b := reg.Target("web", "127.0.0.1", 1), reg.Target("web", "127.0.0.1", 2)
		a.SetHealthy(true)
		b.SetHealthy(true)
		opts := Options{DeregistrationDelay: 30 * time.Second}
		fwd := blockingForwarder{started: make(chan string, 4)}
		oldGroup := NewGroup("web", "arn", []*Target{a, b}, opts)
		oldGroup.Activate()
		old := NewHTTPGroup(oldGroup, fwd)
		reg.Retain(map[*Target]bool{a: true, b: true})

		errs := make(chan error, 4)
		for range 2 { // round robin: one request on each target
			go func() { errs <- old.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)) }()
			<-fwd.started
		}
		NewGroup("web", "arn", []*Target{a}, opts).Activate() // the new revision keeps a only
		reg.Retain(map[*Target]bool{a: true})
		if h := b.Health(); h.State != StateDraining || h.Reason != ReasonDeregistrationInProgress {
			t.Fatalf("removed target is %+v, want draining", h)
		}
		for range 10 {
			if old.Pick() == b {
				t.Fatal("draining target picked by the old revision")
			}
		}
		time.Sleep(29 * time.Second)
		synctest.Wait()
		if len(errs) != 0 || b.Outstanding() != 1 {
			t.Fatalf("in-flight request ended before the delay (%d ended, %d outstanding)", len(errs), b.Outstanding())
		}
		if hs := reg.Health("web"); len(hs) != 2 || hs[1].State != StateDraining {
			t.Fatalf("health during the delay %+v, want a healthy and b draining", hs)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		var e *elberr.Error
		if err := <-errs; !errors.As(err, &e) || e.Status != http.StatusBadGateway {
			t.Fatalf("cut request: %v, want 502", err)
		}
		if b.State() != StateUnused || b.Outstanding() != 0 {
			t.Fatalf("after the delay b is %v with %d outstanding, want unused and 0", b.State(), b.Outstanding())
		}
		if hs := reg.Health("web"); len(hs) != 1 || hs[0].Port != 1 {
			t.Fatalf("health after the delay %+v, want a only", hs)
		}
		if reg.Target("web", "127.0.0.1", 2) == b {
			t.Fatal("deregistered target came back with its old state")
		}
		if a.cutCtx.Err() != nil || len(errs) != 0 {
			t.Fatal("the kept target's request was cut")
		}
		if n := strings.Count(logs.String(), "to=draining"); n != 1 {
			t.Errorf("draining logged %d times, want once:\n%s", n, logs)
		}
		reg.Close() // cuts nothing kept; a's request ends with the test's context below
		old.Targets()[0].cut()
		<-errs
	})
}

// TestReregisterWhileDraining: a target added back before its delay ends is registered anew
// (initial) and its requests are not cut.
func TestReregisterWhileDraining(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reg, _ := newTestRegistry(t)
		a := reg.Target("web", "127.0.0.1", 1)
		NewGroup("web", "arn", []*Target{a}, Options{DeregistrationDelay: 10 * time.Second}).Activate()
		reg.Retain(map[*Target]bool{a: true})
		reg.Retain(map[*Target]bool{})
		time.Sleep(5 * time.Second)
		if reg.Target("web", "127.0.0.1", 1) != a {
			t.Fatal("draining target not found by identity")
		}
		reg.Retain(map[*Target]bool{a: true})
		if h := a.Health(); h.State != StateInitial || h.Reason != ReasonRegistrationInProgress {
			t.Fatalf("re-registered target is %+v, want initial", h)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.cutCtx.Err() != nil || a.State() != StateInitial {
			t.Fatal("re-registered target was cut when the old delay ended")
		}
	})
}

// switchProber passes while ok is set and counts its probes.
type switchProber struct {
	ok    atomic.Bool
	count atomic.Int32
}

func (p *switchProber) Probe(context.Context) health.Result {
	p.count.Add(1)
	if p.ok.Load() {
		return health.Result{OK: true}
	}
	return health.Result{Reason: health.ReasonResponseCodeMismatch, Description: "Health checks failed with these codes: [500]"}
}

// TestRegistryChecks: HC-01 and HC-04 through the registry. A checker starts when its revision is
// committed (initial, Elb.InitialHealthChecking), its verdicts drive the state, each change is
// logged once, a reload with the same settings keeps the checker and its counters, new settings
// restart it, removal stops it, and Close leaves no goroutine behind (synctest checks that).
func TestRegistryChecks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reg, logs := newTestRegistry(t)
		p := &switchProber{}
		spec := CheckSpec{Key: "k1", Prober: p, Settings: health.Settings{Interval: 10 * time.Second,
			Timeout: 5 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}}
		a := reg.Target("web", "127.0.0.1", 1)
		reg.Check(a, spec)
		if a.State() != StateInitial || p.count.Load() != 0 {
			t.Fatal("Check acted before the revision was committed")
		}
		reg.Retain(map[*Target]bool{a: true})
		synctest.Wait()
		if h := a.Health(); h.State != StateInitial || h.Reason != ReasonInitialHealthChecking {
			t.Fatalf("after a failed first check: %+v, want initial / Elb.InitialHealthChecking", h)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if h := a.Health(); h.State != StateUnhealthy || h.Reason != health.ReasonResponseCodeMismatch {
			t.Fatalf("after 2 failures: %+v, want unhealthy / Target.ResponseCodeMismatch", h)
		}
		// Reload with the same settings: the checker and its counters carry on.
		p.ok.Store(true)
		reg.Check(a, spec)
		reg.Retain(map[*Target]bool{a: true})
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.State() != StateUnhealthy || p.count.Load() != 3 {
			t.Fatalf("reload restarted the checker: %v after %d probes", a.State(), p.count.Load())
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.State() != StateHealthy {
			t.Fatalf("after HealthyThreshold passes: %v", a.State())
		}
		// New settings: a new checker probes at once, and keeps the verdict in force: thresholds
		// apply, not the one-pass rule of a new target.
		p.ok.Store(false)
		spec.Key = "k2"
		reg.Check(a, spec)
		reg.Retain(map[*Target]bool{a: true})
		synctest.Wait()
		if p.count.Load() != 5 || a.State() != StateHealthy {
			t.Fatalf("new settings, one failure: %d probes, state %v; want 5 and still healthy", p.count.Load(), a.State())
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.State() != StateUnhealthy {
			t.Fatalf("after 2 failures under new settings: %v", a.State())
		}
		p.ok.Store(true)
		spec.Key = "k3"
		reg.Check(a, spec)
		reg.Retain(map[*Target]bool{a: true})
		synctest.Wait()
		if p.count.Load() != 7 || a.State() != StateUnhealthy {
			t.Fatalf("new settings, one pass: %d probes, state %v; want 7 and still unhealthy", p.count.Load(), a.State())
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.State() != StateHealthy {
			t.Fatalf("after HealthyThreshold passes under new settings: %v", a.State())
		}
		// Removal stops the checker.
		reg.Retain(map[*Target]bool{})
		time.Sleep(time.Minute)
		synctest.Wait()
		if p.count.Load() != 8 {
			t.Fatalf("removed target still checked: %d probes", p.count.Load())
		}
		log := logs.String()
		for want, n := range map[string]int{"to=initial reason=Elb.InitialHealthChecking": 1, "to=unhealthy": 2,
			"to=healthy": 2, "to=draining": 1, "to=unused": 1} {
			if got := strings.Count(log, want); got != n {
				t.Errorf("%q logged %d times, want %d:\n%s", want, got, n, log)
			}
		}
	})
}

// TestCheckSpecStates: HC-04 states set without checks: disabled checks (the Lambda default) are
// unavailable and still routed; a group no listener uses is unused with Target.NotInUse.
func TestCheckSpecStates(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		spec   CheckSpec
		want   State
		reason string
	}{
		{desc: "disabled", spec: CheckSpec{Key: "off"}, want: StateUnavailable, reason: ReasonHealthCheckDisabled},
		{desc: "not in use", spec: CheckSpec{Key: "unused", NotInUse: true}, want: StateUnused, reason: ReasonNotInUse},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			reg, _ := newTestRegistry(t)
			a := reg.Target("fn", "my-function", 0)
			reg.Check(a, tc.spec)
			reg.Retain(map[*Target]bool{a: true})
			if h := a.Health(); h.State != tc.want || h.Reason != tc.reason {
				t.Fatalf("%+v, want %v / %s", h, tc.want, tc.reason)
			}
			if got := NewGroup("fn", "arn", []*Target{a}, Options{}).Pick(); (got != nil) != (tc.want == StateUnavailable) {
				t.Fatalf("pick %v", got)
			}
		})
	}
}

// TestRejectedRevisionLeavesNoTarget: a target made for a revision that is rejected (Abandon) is
// never registered, and NewGroup does not touch the settings of live targets until Activate.
func TestRejectedRevisionLeavesNoTarget(t *testing.T) {
	t.Parallel()
	reg, _ := newTestRegistry(t)
	live := reg.Target("web", "127.0.0.1", 1)
	NewGroup("web", "arn", []*Target{live}, Options{DeregistrationDelay: time.Second}).Activate()
	reg.Retain(map[*Target]bool{live: true})

	fresh := reg.Target("web", "127.0.0.1", 2)
	if reg.Target("web", "127.0.0.1", 2) != fresh {
		t.Fatal("a target asked for twice by one revision is two targets")
	}
	NewGroup("web", "arn", []*Target{live, fresh}, Options{DeregistrationDelay: time.Hour})
	if _, ok := reg.Lookup("web", "127.0.0.1", 2); ok {
		t.Error("a target of a revision not yet committed is registered")
	}
	reg.Abandon()
	if _, ok := reg.Lookup("web", "127.0.0.1", 2); ok {
		t.Error("an abandoned revision's target is registered")
	}
	if d := live.settings.Load().delay; d != time.Second {
		t.Errorf("live target's deregistration delay %v after a revision that was not activated, want 1s", d)
	}
	reg.Retain(map[*Target]bool{live: true, fresh: true})
	if _, ok := reg.Lookup("web", "127.0.0.1", 2); ok {
		t.Error("Retain registered a target made before Abandon")
	}
}
