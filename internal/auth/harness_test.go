package auth

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/auth/authtest"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// lbHost is the load balancer's name in these tests; the provider lets the client redirect to
// its callback.
const lbHost = "lb.test"

// breaker stands between the authenticator and the provider and breaks one endpoint on demand.
type breaker struct {
	mu     sync.Mutex
	path   string // the endpoint to break, "" for none
	break_ func(w http.ResponseWriter, r *http.Request, next http.Handler)
}

func (b *breaker) set(path string, f func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	b.mu.Lock()
	b.path, b.break_ = path, f
	b.mu.Unlock()
}

func (b *breaker) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		path, f := b.path, b.break_
		b.mu.Unlock()
		if path != "" && r.URL.Path == path {
			f(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rewriteBody serves next and passes its body through edit.
func rewriteBody(edit func([]byte) []byte) func(w http.ResponseWriter, r *http.Request, next http.Handler) {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := edit(rec.Body.Bytes())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}
}

// testClock is an adjustable clock.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// target records what the routing action received.
type target struct {
	mu     sync.Mutex
	header http.Header
	calls  int
}

func (tg *target) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.ActionsExecuted = append(ex.ActionsExecuted, "forward")
	tg.mu.Lock()
	tg.header, tg.calls = r.Header.Clone(), tg.calls+1
	tg.mu.Unlock()
	_, _ = io.WriteString(w, "target")
	return nil
}

type harness struct {
	t      *testing.T
	op     *authtest.OP
	brk    *breaker
	clock  *testClock
	target *target
	keys   *Keys
	a      *Authenticator
}

// newHarness starts a provider and an authenticator in front of a recording target; edit may
// change the options.
func newHarness(t *testing.T, edit func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, brk: &breaker{}, clock: &testClock{}, target: &target{}}
	h.op = authtest.StartOP(t, h.brk.wrap, "https://"+lbHost+CallbackPath)
	var err error
	if h.keys, err = NewKeys([]byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Provider: Provider{Issuer: h.op.Issuer, AuthorizationEndpoint: h.op.AuthorizationEndpoint(), TokenEndpoint: h.op.TokenEndpoint(),
			UserInfoEndpoint: h.op.UserInfoEndpoint(), ClientID: authtest.ClientID, ClientSecret: authtest.ClientSecret},
		Scope: "openid email", Signer: "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0123456789abcdef",
		Keys: h.keys, Transport: h.op.Transport, ServerHeader: true, Now: h.clock.now, IdPTimeout: 2 * time.Second,
	}
	if edit != nil {
		edit(&o)
	}
	if h.a, err = NewAuthenticator(o, h.target); err != nil {
		t.Fatal(err)
	}
	return h
}

// result is what the client saw and the exchange recorded.
type result struct {
	resp *http.Response
	ex   *observe.Exchange
}

// serve runs one request through the action as the router does: an error becomes the ALB's
// page and the exchange's error_reason.
func (h *harness) serve(r *http.Request) result {
	h.t.Helper()
	ex := &observe.Exchange{}
	r = r.WithContext(observe.WithExchange(r.Context(), ex))
	rec := httptest.NewRecorder()
	if err := h.a.ServeHTTP(rec, r); err != nil {
		var e *elberr.Error
		if !errors.As(err, &e) {
			h.t.Fatalf("action returned %T %v, not an *elberr.Error", err, err)
		}
		if e.Reason != "" {
			ex.ErrorReason = e.Reason
		}
		_ = elberr.Write(rec, r, e, true)
	}
	return result{resp: rec.Result(), ex: ex}
}

// request builds a request to the load balancer carrying cookies.
func request(target string, cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://"+lbHost+target, nil)
	r.Host = lbHost
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

// cookiesOf returns the cookies a response sets that are still alive.
func cookiesOf(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 && c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}

// login starts a sign-in at target and completes it at the provider as a browser would,
// returning the callback URL the provider sent the browser to and the load balancer's cookies
// so far (the binding cookie).
func (h *harness) login(target string) (callback string, cookies []*http.Cookie) {
	h.t.Helper()
	res := h.serve(request(target))
	if res.resp.StatusCode != http.StatusFound {
		h.t.Fatalf("first request: %d, want 302 to the provider", res.resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Transport: h.op.Transport, Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(r *http.Request, _ []*http.Request) error {
			if r.URL.Host == lbHost {
				return http.ErrUseLastResponse
			}
			return nil
		}}
	resp, err := browser.Get(res.resp.Header.Get("Location"))
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		h.t.Fatalf("the provider did not show its login page: %s", resp.Request.URL)
	}
	resp, err = browser.PostForm(h.op.Issuer+"/login/username", url.Values{"id": {id}, "username": {authtest.Username}, "password": {authtest.Password}})
	if err != nil {
		h.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "https://"+lbHost+CallbackPath) {
		h.t.Fatalf("sign-in did not come back to the callback: %d %s %s", resp.StatusCode, loc, bytes.TrimSpace(body))
	}
	u, _ := url.Parse(loc)
	return u.RequestURI(), cookiesOf(res.resp)
}

// signIn completes a sign-in and returns the session cookies.
func (h *harness) signIn(target string) []*http.Cookie {
	h.t.Helper()
	callback, cookies := h.login(target)
	res := h.serve(request(callback, cookies...))
	if res.resp.StatusCode != http.StatusFound || res.resp.Header.Get("Location") != "https://"+lbHost+target {
		h.t.Fatalf("callback: %d to %q (%s), want 302 back to %s", res.resp.StatusCode, res.resp.Header.Get("Location"), res.ex.ErrorReason, target)
	}
	var session []*http.Cookie
	for _, c := range cookiesOf(res.resp) {
		if strings.HasPrefix(c.Name, "AWSELBAuthSessionCookie-") {
			session = append(session, c)
		}
	}
	return session
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// signInThrough signs in with an authenticator like h's but with behaviour mode, and returns the
// session cookies, which h's authenticator accepts too.
func (h *harness) signInThrough(mode Unauthenticated, target string) []*http.Cookie {
	h.t.Helper()
	o := h.a.o
	o.OnUnauthenticated = mode
	signer, err := NewAuthenticator(o, h.target)
	if err != nil {
		h.t.Fatal(err)
	}
	saved := h.a
	h.a = signer
	defer func() { h.a = saved }()
	return h.signIn(target)
}
