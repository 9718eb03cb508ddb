package router

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// seenExchanges is an action that records the exchange of every request it serves and says it
// settled when settled is true; a request to /panic panics after saying so.
type seenExchanges struct {
	settled bool
	seen    []*observe.Exchange
	kept    []*http.Request
}

func (s *seenExchanges) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	s.seen = append(s.seen, ex)
	ex.Settled = s.settled
	if r.URL.Path == "/panic" {
		panic("boom")
	}
	if !s.settled {
		s.kept = append(s.kept, r) // an action that holds the request past its return
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// serveSeq sends a GET request for each path through rt, one after the other, and returns what
// the observer got for each.
func serveSeq(rt *Router, obs observerChan, paths ...string) []*observe.Exchange {
	var observed []*observe.Exchange
	for _, p := range paths {
		rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
		observed = append(observed, <-obs)
	}
	return observed
}

func numbered(n int) []string {
	paths := make([]string, n)
	for i := range paths {
		paths[i] = "/" + strconv.Itoa(i)
	}
	return paths
}

// TestStateKeptWhenNotSettled: a request whose action does not say it settled keeps its memory
// for as long as anything holds it, however many requests follow: its exchange, context and
// request stay its own.
func TestStateKeptWhenNotSettled(t *testing.T) {
	held := &seenExchanges{}
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, held)
	serveSeq(rt, obs, "/first")

	settled := &seenExchanges{settled: true}
	rt.defaultAction = settled
	serveSeq(rt, obs, numbered(50)...)

	first := held.kept[0]
	ex := observe.ExchangeFrom(first.Context())
	if first.URL.Path != "/first" || ex.RequestURI != "/first" || ex != held.seen[0] {
		t.Errorf("the held request now reads %q, its exchange %q: its memory was reused", first.URL.Path, ex.RequestURI)
	}
	for i, later := range settled.seen {
		if later == ex {
			t.Fatalf("request %d got the held request's exchange", i)
		}
	}
}

// TestStateReusedWhenSettled: a settled request's memory serves a later request. sync.Pool may
// drop what it is given (it does so at random under the race detector), so reuse is asked of a
// run of requests, not of each one.
func TestStateReusedWhenSettled(t *testing.T) {
	settled := &seenExchanges{settled: true}
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, settled)
	paths := numbered(50)
	observed := serveSeq(rt, obs, paths...)
	distinct := map[*observe.Exchange]bool{}
	for _, ex := range settled.seen {
		distinct[ex] = true
	}
	if len(distinct) == len(settled.seen) {
		t.Errorf("50 settled requests used 50 exchanges: none was reused")
	}
	// The observer's copies are each request's own record, actions included.
	for i, ex := range observed {
		if ex.RequestURI != paths[i] || ex.Status != http.StatusOK {
			t.Errorf("request %s observed as %q, status %d", paths[i], ex.RequestURI, ex.Status)
		}
	}
}

// TestStateNotReusedAfterPanic: an action that panicked is not trusted to have settled, even if
// it said so: its request keeps its memory.
func TestStateNotReusedAfterPanic(t *testing.T) {
	settled := &seenExchanges{settled: true}
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, settled)
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/panic", nil))
	<-obs
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panic answered %d, want 500", rec.Code)
	}
	panicked := settled.seen[0]
	serveSeq(rt, obs, numbered(50)...)
	for i, ex := range settled.seen[1:] {
		if ex == panicked {
			t.Fatalf("request %d got the exchange of the request that panicked", i)
		}
	}
}

// TestForwardingValuesOutliveState: the header values the router sets stay in the request's
// header map, which the dashboard keeps after the request; reusing the pooled state must not
// change them.
func TestForwardingValuesOutliveState(t *testing.T) {
	var headers []http.Header
	keep := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		headers = append(headers, r.Header)
		observe.ExchangeFrom(r.Context()).Settled = true
		w.WriteHeader(http.StatusOK)
		return nil
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, keep)
	var traces []string
	for i := range 20 {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "192.0.2." + strconv.Itoa(i+1) + ":1234"
		rt.ServeHTTP(httptest.NewRecorder(), r)
		<-obs
		traces = append(traces, headers[i].Get("X-Amzn-Trace-Id"))
	}
	for i, h := range headers {
		if got := h.Get("X-Amzn-Trace-Id"); got != traces[i] {
			t.Errorf("request %d: trace header changed to %q after later requests (was %q)", i, got, traces[i])
		}
		if got, want := h.Get("X-Forwarded-For"), "192.0.2."+strconv.Itoa(i+1); !strings.HasPrefix(got, want) {
			t.Errorf("request %d: X-Forwarded-For %q, want %s", i, got, want)
		}
	}
}
