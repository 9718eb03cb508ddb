package router

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/forwarded"
	"github.com/albatross-lb/albatross/internal/observe"
)

// matcherFunc adapts a function to Matcher.
type matcherFunc func(r *http.Request, source netip.Addr) (int, int)

func (f matcherFunc) Match(r *http.Request, source netip.Addr) (int, int) { return f(r, source) }

// handlerFunc adapts a function to action.Handler.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (f handlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) error { return f(w, r) }

// observerChan hands every exchange to a channel.
type observerChan chan *observe.Exchange

func (c observerChan) Observe(ex *observe.Exchange) { c <- ex.Clone() }

var _ Observer = observerChan(nil)

// answer is an action that writes status and body.
func answer(status int, body string) action.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return nil
	})
}

// alwaysMatch reports rule index for every request, after evaluating evaluated rules.
func alwaysMatch(index, evaluated int) Matcher {
	return matcherFunc(func(*http.Request, netip.Addr) (int, int) { return index, evaluated })
}

func newRouter(s Settings, m Matcher, routes []Route, def action.Handler) (*Router, observerChan) {
	obs := make(observerChan, 16)
	return New(s, m, routes, def, obs, nil), obs
}

// TestTooManyForwardedFor: more than 30 incoming X-Forwarded-For addresses is a 463 in every
// mode (XFF-03 [amb], LIM-03, T19), before any rule is evaluated; 30 pass.
func TestTooManyForwardedFor(t *testing.T) {
	addrs := func(n int) string {
		list := make([]string, n)
		for i := range list {
			list[i] = "10.0.0.1"
		}
		return strings.Join(list, ", ")
	}
	testCases := []struct {
		desc string
		mode forwarded.Mode
		n    int
		want int
	}{
		{desc: "append 31", mode: forwarded.Append, n: 31, want: 463},
		{desc: "preserve 31", mode: forwarded.Preserve, n: 31, want: 463},
		{desc: "remove 31", mode: forwarded.Remove, n: 31, want: 463},
		{desc: "append 30", mode: forwarded.Append, n: 30, want: 200},
		{desc: "preserve 30", mode: forwarded.Preserve, n: 30, want: 200},
		{desc: "remove 30", mode: forwarded.Remove, n: 30, want: 200},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			matched := false
			m := matcherFunc(func(*http.Request, netip.Addr) (int, int) { matched = true; return -1, 0 })
			rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, XFFMode: tc.mode}, m, nil, answer(200, "ok"))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("X-Forwarded-For", addrs(tc.n))
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, r)
			ex := <-obs
			if w.Code != tc.want || ex.Status != tc.want || matched != (tc.want == 200) {
				t.Errorf("status %d (exchange %d), rules evaluated %v; want %d", w.Code, ex.Status, matched, tc.want)
			}
			if tc.want == 463 && (ex.MatchedRulePriority != observe.NotRouted || w.Body.String() != elberr.Page(463)) {
				t.Errorf("463: matched_rule_priority %d, body %q", ex.MatchedRulePriority, w.Body.String())
			}
		})
	}
}

// TestRoutePriority: the matcher's rule index selects the route, and the exchange records the
// rule's priority, 0 for the default rule, and the evaluated count (RUL-02, RUL-04, T22).
func TestRoutePriority(t *testing.T) {
	routes := []Route{{Priority: 10, Action: answer(201, "ten")}, {Priority: 5, Action: answer(202, "five")}}
	testCases := []struct {
		desc         string
		index, evals int
		wantStatus   int
		wantPriority int
	}{
		{desc: "T22 rule 5 wins", index: 1, evals: 1, wantStatus: 202, wantPriority: 5},
		{desc: "rule 10", index: 0, evals: 2, wantStatus: 201, wantPriority: 10},
		{desc: "default rule", index: -1, evals: 2, wantStatus: 200, wantPriority: 0},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(tc.index, tc.evals), routes, answer(200, "default"))
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
			ex := <-obs
			if w.Code != tc.wantStatus || ex.MatchedRulePriority != tc.wantPriority || ex.RulesEvaluated != tc.evals {
				t.Errorf("status %d priority %d evaluated %d; want %d %d %d", w.Code, ex.MatchedRulePriority,
					ex.RulesEvaluated, tc.wantStatus, tc.wantPriority, tc.evals)
			}
			if ex.Status != tc.wantStatus || ex.BytesSent != int64(w.Body.Len()) {
				t.Errorf("exchange status %d bytes %d; want %d %d", ex.Status, ex.BytesSent, tc.wantStatus, w.Body.Len())
			}
		})
	}
}

var traceRoot = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)

// TestHeadersAfterMatching: rules see the request as the client sent it (original Host, no
// X-Forwarded-*); the action sees the forwarding headers (§6, HOST-01, T33, XFF-01, XFP-01,
// HDR-TRACE-02), and the exchange records the original host for redirects.
func TestHeadersAfterMatching(t *testing.T) {
	t.Parallel()
	type seen struct {
		host                string
		xff, proto, port    []string
		trace               string
		requestHostAtAction string
	}
	var atMatch, atAction seen
	m := matcherFunc(func(r *http.Request, source netip.Addr) (int, int) {
		atMatch = seen{host: r.Host, xff: r.Header.Values("X-Forwarded-For"), proto: r.Header.Values("X-Forwarded-Proto"), port: r.Header.Values("X-Forwarded-Port")}
		if source != netip.MustParseAddr("192.0.2.1") {
			t.Errorf("matcher source %v", source)
		}
		return 0, 1
	})
	act := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		atAction = seen{host: r.Host, xff: r.Header.Values("X-Forwarded-For"), proto: r.Header.Values("X-Forwarded-Proto"),
			port: r.Header.Values("X-Forwarded-Port"), trace: r.Header.Get("X-Amzn-Trace-Id"),
			requestHostAtAction: observe.ExchangeFrom(r.Context()).RequestHost}
		return nil
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 8080}, m, []Route{{Priority: 1, Action: act}}, answer(500, ""))
	r := httptest.NewRequest(http.MethodGet, "/x", nil) // RemoteAddr 192.0.2.1:1234
	r.Host = "Example.COM"
	r.Header.Set("X-Forwarded-Proto", "https")
	rt.ServeHTTP(httptest.NewRecorder(), r)
	ex := <-obs

	if atMatch.host != "Example.COM" || atMatch.xff != nil || atMatch.port != nil || len(atMatch.proto) != 1 || atMatch.proto[0] != "https" {
		t.Errorf("rules saw %+v, want the request as sent", atMatch)
	}
	want := seen{host: "example.com:8080", xff: []string{"192.0.2.1"}, proto: []string{"http"}, port: []string{"8080"}, requestHostAtAction: "example.com"}
	if atAction.host != want.host || strings.Join(atAction.xff, "|") != "192.0.2.1" || strings.Join(atAction.proto, "|") != "http" ||
		strings.Join(atAction.port, "|") != "8080" || atAction.requestHostAtAction != want.requestHostAtAction {
		t.Errorf("action saw %+v, want %+v", atAction, want)
	}
	if !traceRoot.MatchString(atAction.trace) || ex.TraceID != atAction.trace {
		t.Errorf("trace header %q, exchange trace %q", atAction.trace, ex.TraceID)
	}
	if ex.Client != netip.MustParseAddrPort("192.0.2.1:1234") || ex.Protocol != "HTTP" || ex.ListenerPort != 8080 {
		t.Errorf("exchange client %v protocol %q port %d", ex.Client, ex.Protocol, ex.ListenerPort)
	}
}

// TestHTTP10WithoutHost: an HTTP/1.0 request without Host gets the load balancer's DNS name
// (LST-05).
func TestHTTP10WithoutHost(t *testing.T) {
	t.Parallel()
	var host string
	act := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { host = r.Host; return nil })
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, DNSName: "web-1.elb.localhost"}, alwaysMatch(-1, 0), nil, act)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host, r.Proto, r.ProtoMinor = "", "HTTP/1.0", 0
	rt.ServeHTTP(httptest.NewRecorder(), r)
	if ex := <-obs; host != "web-1.elb.localhost" || ex.RequestHost != "web-1.elb.localhost" {
		t.Errorf("Host %q, exchange host %q", host, ex.RequestHost)
	}
}

// TestActionErrors: an *elberr.Error becomes its ALB page, any other error a 500, and an error
// after the response started aborts the connection instead of writing a second status.
func TestActionErrors(t *testing.T) {
	testCases := []struct {
		desc   string
		err    error
		want   int
		reason string
	}{
		{desc: "elberr 502", err: &elberr.Error{Status: 502, Source: elberr.SourceTarget}, want: 502},
		{desc: "reason recorded", err: &elberr.Error{Status: 502, Reason: "LambdaUnhandled", Source: elberr.SourceFunction}, want: 502, reason: "LambdaUnhandled"},
		{desc: "plain error is a 500", err: errors.New("bug"), want: 500},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			act := handlerFunc(func(http.ResponseWriter, *http.Request) error { return tc.err })
			rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, ServerHeader: true}, alwaysMatch(-1, 0), nil, act)
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
			ex := <-obs
			if w.Code != tc.want || ex.Status != tc.want || ex.ErrorReason != tc.reason || w.Body.String() != elberr.Page(tc.want) {
				t.Errorf("status %d/%d reason %q body %q", w.Code, ex.Status, ex.ErrorReason, w.Body.String())
			}
		})
	}
	t.Run("after the response started", func(t *testing.T) {
		t.Parallel()
		act := handlerFunc(func(w http.ResponseWriter, _ *http.Request) error {
			w.WriteHeader(200)
			return &elberr.Error{Status: 502}
		})
		rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, act)
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("panic %v, want http.ErrAbortHandler", p)
			}
			if ex := <-obs; ex.Status != 200 {
				t.Errorf("exchange status %d, want the status already sent", ex.Status)
			}
		}()
		rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
}

// serveRouter runs rt on a real 127.0.0.1 server (hijacking works there, unlike with a
// ResponseRecorder).
func serveRouter(t *testing.T, rt *Router) string {
	t.Helper()
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// TestRecorderOnRawResponses: when elberr writes the page on the hijacked connection (T28 503
// with the nginx phrase), the exchange still gets the status and the body size.
func TestRecorderOnRawResponses(t *testing.T) {
	t.Parallel()
	noTargets := handlerFunc(func(http.ResponseWriter, *http.Request) error {
		return &elberr.Error{Status: http.StatusServiceUnavailable}
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, ServerHeader: true}, alwaysMatch(-1, 0), nil, noTargets)
	c, err := net.Dial("tcp", serveRouter(t, rt))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	b, _ := io.ReadAll(c) // no Resume in this context: the page closes the connection
	if !strings.HasPrefix(string(b), "HTTP/1.1 503 Service Temporarily Unavailable\r\n") {
		t.Fatalf("response %q", b)
	}
	if ex := <-obs; ex.Status != 503 || ex.BytesSent != int64(len(elberr.Page(503))) {
		t.Errorf("exchange status %d bytes %d, want 503 and %d", ex.Status, ex.BytesSent, len(elberr.Page(503)))
	}
}

// TestClientGoneIs460: a client that closes its connection while the action still works is
// recorded as 460 (§7).
func TestClientGoneIs460(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	slow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		close(started)
		<-r.Context().Done()
		return nil
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, slow)
	c, err := net.Dial("tcp", serveRouter(t, rt))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	c.Close()
	select {
	case ex := <-obs:
		if ex.Status != 460 {
			t.Errorf("exchange status %d, want 460", ex.Status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exchange after the client left")
	}
}
