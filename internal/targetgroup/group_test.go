package targetgroup

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// targets returns n healthy targets.
func targets(n int) []*Target {
	ts := make([]*Target, n)
	for i := range ts {
		ts[i] = NewTarget("127.0.0.1", 8000+i)
		ts[i].SetHealthy(true)
	}
	return ts
}

// TestPick covers ALG-01 round robin evenness, healthy-only choice and fail-open (HC-05).
func TestPick(t *testing.T) {
	testCases := []struct {
		desc      string
		n         int
		unhealthy []int
		picks     int
		want      []int // picks per target
	}{
		{desc: "round robin is exactly even", n: 3, picks: 300, want: []int{100, 100, 100}},
		{desc: "unhealthy targets get nothing", n: 4, unhealthy: []int{1, 3}, picks: 100, want: []int{50, 0, 50, 0}},
		{desc: "HC-05 fail-open: all unhealthy, all used", n: 3, unhealthy: []int{0, 1, 2}, picks: 300, want: []int{100, 100, 100}},
		{desc: "one healthy target takes all", n: 3, unhealthy: []int{0, 2}, picks: 10, want: []int{0, 10, 0}},
		{desc: "a single unhealthy target still serves (fail-open)", n: 1, unhealthy: []int{0}, picks: 5, want: []int{5}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(tc.n)
			for _, i := range tc.unhealthy {
				ts[i].SetHealthy(false)
			}
			g := NewGroup("tg", "arn", ts, Options{})
			got := make([]int, tc.n)
			for range tc.picks {
				p := g.Pick()
				for i, t := range ts {
					if p == t {
						got[i]++
					}
				}
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("picks %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestPickRecoversHealth: a target marked healthy again is back in the rotation.
func TestPickRecoversHealth(t *testing.T) {
	t.Parallel()
	ts := targets(2)
	g := NewGroup("tg", "arn", ts, Options{})
	ts[0].SetHealthy(false)
	for range 10 {
		if g.Pick() != ts[1] {
			t.Fatal("unhealthy target picked")
		}
	}
	ts[0].SetHealthy(true)
	if a, b := g.Pick(), g.Pick(); a == b {
		t.Error("recovered target not picked in turn")
	}
}

// forwarderFunc adapts a function to Forwarder.
type forwarderFunc func(w http.ResponseWriter, r *http.Request, addr string) error

func (f forwarderFunc) Serve(w http.ResponseWriter, r *http.Request, addr string) error {
	return f(w, r, addr)
}

// TestHTTPGroupNoTargets: HC-06 / T28, an empty group answers 503 and forwards nothing.
func TestHTTPGroupNoTargets(t *testing.T) {
	t.Parallel()
	called := false
	h := NewHTTPGroup(NewGroup("tg", "arn:tg", nil, Options{}), forwarderFunc(func(http.ResponseWriter, *http.Request, string) error {
		called = true
		return nil
	}))
	err := h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	var e *elberr.Error
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable || called {
		t.Fatalf("err %v forwarded %v, want 503 without forwarding", err, called)
	}
	if h.TargetGroupARN() != "arn:tg" {
		t.Errorf("TargetGroupARN %q", h.TargetGroupARN())
	}
}

// TestHTTPGroupOutstanding: a request counts as outstanding while the target serves it, also
// when the forwarder aborts the response with a panic (ALG-01 least outstanding, draining).
func TestHTTPGroupOutstanding(t *testing.T) {
	t.Parallel()
	ts := targets(1)
	var during []int64
	h := NewHTTPGroup(NewGroup("tg", "arn", ts, Options{}), forwarderFunc(func(_ http.ResponseWriter, r *http.Request, addr string) error {
		during = append(during, ts[0].Outstanding())
		if addr != ts[0].Addr {
			t.Errorf("forwarded to %q, want %q", addr, ts[0].Addr)
		}
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		return nil
	}))
	if err := h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() { _ = recover() }()
		_ = h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/abort", nil))
	}()
	if len(during) != 2 || during[0] != 1 || during[1] != 1 || ts[0].Outstanding() != 0 {
		t.Errorf("outstanding during %v, after %d; want [1 1] and 0", during, ts[0].Outstanding())
	}
}
