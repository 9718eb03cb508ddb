package shadow

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/compare"
	"github.com/albatross-lb/albatross/internal/elberr"
)

// handlerFunc adapts a function to Handler.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (f handlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) error { return f(w, r) }

// server serves h as the router would: an error becomes a bare page with its status.
func server(t *testing.T, h Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.ServeHTTP(w, r); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				t.Errorf("handler error %v is not an *elberr.Error", err)
				return
			}
			w.WriteHeader(e.Status)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// primaryEcho answers 200 with "primary:" and the request body, and a header.
var primaryEcho = handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("X-From", "primary")
	_, _ = w.Write(append([]byte("primary:"), body...))
	return nil
})

// seen records what the shadow target received.
type seen struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
}

func (s *seen) add(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	s.bodies = append(s.bodies, string(body))
}

func (s *seen) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

type setup struct {
	runner *Runner
	tally  *compare.Tally
	url    string
}

// start serves primary with copies to shadow. The runner is closed at cleanup.
func start(t *testing.T, primary, shadow Handler, rules *compare.Rules, opts Options) *setup {
	t.Helper()
	runner := NewRunner()
	t.Cleanup(func() { runner.Close(context.Background()) })
	tally := compare.NewTally(rules, 10)
	m := NewMirror(runner, shadow, tally, opts)
	srv := server(t, m.Wrap(primary))
	return &setup{runner: runner, tally: tally, url: srv.URL}
}

// finish waits for every shadow request to end and returns the tally's report.
func (s *setup) finish() compare.Report {
	s.runner.Close(context.Background())
	return s.tally.Report()
}

// client is the tests' own: httptest.Server.Close closes the idle connections of
// http.DefaultTransport, which would break the requests of tests running in parallel.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func get(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body = http.NoBody
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(data)
}

// The client gets the primary's answer byte for byte while the shadow, which gets the same
// request marked with the shadow header, answers something else; the pair is a mismatch.
func TestClientGetsPrimaryAnswer(t *testing.T) {
	t.Parallel()
	var got seen
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		got.add(r)
		w.Header().Set("X-From", "shadow")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "shadow says no")
		return nil
	})
	s := start(t, primaryEcho, shadow, &compare.Rules{Body: compare.BodyBytes}, Options{Percentage: 100})
	resp, body := get(t, http.MethodPut, s.url+"/api/events?x=1", "payload")
	if resp.StatusCode != 200 || body != "primary:payload" || resp.Header.Get("X-From") != "primary" {
		t.Fatalf("client got %d %q from %q", resp.StatusCode, body, resp.Header.Get("X-From"))
	}
	r := s.finish()
	if got.count() != 1 || got.bodies[0] != "payload" || got.requests[0].Header.Get(Header) != "1" ||
		got.requests[0].URL.RequestURI() != "/api/events?x=1" || got.requests[0].Method != http.MethodPut {
		t.Fatalf("shadow got %d requests: %+v %q", got.count(), got.requests, got.bodies)
	}
	if r.Shadowed != 1 || r.Mismatch != 1 || r.MismatchByKind[compare.KindStatus] != 1 || r.MismatchByKind[compare.KindBody] != 1 {
		t.Fatalf("report = %+v", r.Counts)
	}
	if smp := r.Samples[0]; smp.Primary.Body != "primary:payload" || smp.Shadow.Body != "shadow says no" || smp.URI != "/api/events?x=1" {
		t.Errorf("sample = %+v", smp)
	}
}

// A shadow that hangs does not hold the client: the primary's answer arrives while the shadow
// is still blocked (it is released only after the client has read everything).
func TestHangingShadowDoesNotDelayClient(t *testing.T) {
	t.Parallel()
	entered, release, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		defer close(returned)
		close(entered)
		<-release
		_, _ = io.WriteString(w, "primary:")
		return nil
	})
	s := start(t, primaryEcho, shadow, &compare.Rules{Body: compare.BodyBytes}, Options{Percentage: 100, Timeout: time.Hour})
	resp, body := get(t, http.MethodGet, s.url+"/", "")
	<-entered
	select {
	case <-returned:
		t.Fatal("the shadow returned before it was released")
	default: // the shadow is still blocked, and the client has its whole answer
	}
	if resp.StatusCode != 200 || body != "primary:" {
		t.Fatalf("client got %d %q", resp.StatusCode, body)
	}
	close(release)
	if r := s.finish(); r.Match != 1 {
		t.Fatalf("report = %+v", r.Counts)
	}
}

// A shadow that never answers is cut at its timeout and counted as such.
func TestShadowTimeout(t *testing.T) {
	t.Parallel()
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done()
		return &elberr.Error{Status: http.StatusGatewayTimeout, Source: elberr.SourceTarget, Err: r.Context().Err()}
	})
	s := start(t, primaryEcho, shadow, &compare.Rules{}, Options{Percentage: 100, Timeout: time.Millisecond})
	if resp, body := get(t, http.MethodGet, s.url+"/", ""); resp.StatusCode != 200 || body != "primary:" {
		t.Fatalf("client got %d %q", resp.StatusCode, body)
	}
	if r := s.finish(); r.ShadowTimeout != 1 || r.Match+r.Mismatch != 0 {
		t.Fatalf("report = %+v", r.Counts)
	}
}

// A shadow that crashes (a cut response, an error page, a plain panic) is a shadow error; the
// client never notices.
func TestShadowCrash(t *testing.T) {
	t.Parallel()
	for desc, shadow := range map[string]handlerFunc{
		"aborted after the headers": func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(200)
			_, _ = io.WriteString(w, "half")
			panic(http.ErrAbortHandler)
		},
		"no answer": func(w http.ResponseWriter, r *http.Request) error {
			return &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceTarget, Err: errors.New("connection refused")}
		},
		"a bug": func(w http.ResponseWriter, r *http.Request) error { panic("nil map") },
	} {
		t.Run(desc, func(t *testing.T) {
			t.Parallel()
			s := start(t, primaryEcho, shadow, &compare.Rules{}, Options{Percentage: 100})
			if resp, body := get(t, http.MethodGet, s.url+"/", ""); resp.StatusCode != 200 || body != "primary:" {
				t.Fatalf("client got %d %q", resp.StatusCode, body)
			}
			if r := s.finish(); r.ShadowError != 1 || r.Shadowed != 1 {
				t.Fatalf("report = %+v", r.Counts)
			}
		})
	}
}

// The concurrency bound: while one shadow is blocked, a second request is served but not copied.
func TestMaxInFlight(t *testing.T) {
	t.Parallel()
	shadow, entered, release := blockingShadow()
	s := start(t, primaryEcho, shadow, &compare.Rules{}, Options{Percentage: 100, MaxInFlight: 1, Timeout: time.Hour})
	get(t, http.MethodGet, s.url+"/1", "")
	<-entered
	if resp, body := get(t, http.MethodGet, s.url+"/2", ""); resp.StatusCode != 200 || body != "primary:" {
		t.Fatalf("client got %d %q", resp.StatusCode, body)
	}
	close(release)
	if r := s.finish(); r.Shadowed != 1 || r.Skipped[compare.SkipBusy] != 1 {
		t.Fatalf("report = %+v", r.Counts)
	}
}

// Bodies: copied up to the limit; a larger or chunked body goes whole to the primary and is
// not copied.
func TestBodies(t *testing.T) {
	t.Parallel()
	var got seen
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { got.add(r); return nil })
	s := start(t, primaryEcho, shadow, &compare.Rules{}, Options{Percentage: 100, MaxBodyBytes: 8})
	for _, body := range []string{"12345678", "123456789"} {
		if _, echoed := get(t, http.MethodPost, s.url+"/", body); echoed != "primary:"+body {
			t.Fatalf("primary got %q, want %q", echoed, body)
		}
	}
	chunked, err := http.NewRequest(http.MethodPost, s.url+"/", io.MultiReader(strings.NewReader("ab")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(chunked)
	if err != nil {
		t.Fatal(err)
	}
	echoed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(echoed) != "primary:ab" {
		t.Fatalf("primary got %q of a chunked body", echoed)
	}
	r := s.finish()
	if got.count() != 1 || got.bodies[0] != "12345678" || r.Skipped[compare.SkipBody] != 2 {
		t.Fatalf("shadow got %q, report %+v", got.bodies, r.Counts)
	}
}

// Which requests are copied: idempotent methods only when asked, a share of them, no upgrades.
func TestChosen(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		opts   Options
		method string
		header http.Header
		want   bool
	}{
		{desc: "all methods", opts: Options{Percentage: 100}, method: http.MethodPost, want: true},
		{desc: "idempotent only refuses POST", opts: Options{Percentage: 100, IdempotentOnly: true}, method: http.MethodPost},
		{desc: "idempotent only refuses PATCH", opts: Options{Percentage: 100, IdempotentOnly: true}, method: http.MethodPatch},
		{desc: "idempotent only takes PUT", opts: Options{Percentage: 100, IdempotentOnly: true}, method: http.MethodPut, want: true},
		{desc: "zero percent", opts: Options{Percentage: 0}, method: http.MethodGet},
		{desc: "no upgrades", opts: Options{Percentage: 100}, method: http.MethodGet, header: http.Header{"Upgrade": {"websocket"}}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			m := NewMirror(NewRunner(), nil, nil, tc.opts)
			r := httptest.NewRequest(tc.method, "/", nil)
			for k, v := range tc.header {
				r.Header[k] = v
			}
			if got := m.chosen(r); got != tc.want {
				t.Fatalf("chosen = %v, want %v", got, tc.want)
			}
		})
	}
}

// A share: of many requests at 50 %, some are copied and some are not.
func TestPercentage(t *testing.T) {
	t.Parallel()
	m := NewMirror(NewRunner(), nil, nil, Options{Percentage: 50})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	n := 0
	for range 1000 {
		if m.chosen(r) {
			n++
		}
	}
	if n < 350 || n > 650 {
		t.Fatalf("%d of 1000 copied at 50 %%", n)
	}
}

// When the primary fails with the load balancer's error page, the shadow's answer is compared
// by status only; when the primary's response is cut, the pair is not compared.
func TestPrimaryFailures(t *testing.T) {
	t.Parallel()
	ok := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { _, _ = io.WriteString(w, "fine"); return nil })
	failing := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceTarget, Err: errors.New("refused")}
	})
	s := start(t, failing, ok, &compare.Rules{Body: compare.BodyBytes}, Options{Percentage: 100})
	if resp, _ := get(t, http.MethodGet, s.url+"/", ""); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("client got %d", resp.StatusCode)
	}
	if r := s.finish(); r.Mismatch != 1 || r.MismatchByKind[compare.KindStatus] != 1 || r.MismatchByKind[compare.KindBody] != 0 {
		t.Fatalf("report = %+v", r.Counts)
	}

	aborting := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		_, _ = io.WriteString(w, "half")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	s = start(t, aborting, ok, &compare.Rules{}, Options{Percentage: 100})
	req, _ := http.NewRequest(http.MethodGet, s.url+"/", nil)
	if resp, err := client.Do(req); err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Fatal("the client read a cut response as whole")
		}
	}
	if r := s.finish(); r.PrimaryAborted != 1 || r.Match+r.Mismatch != 0 {
		t.Fatalf("report = %+v", r.Counts)
	}
}

// After Close no request is copied, and the primary still serves.
func TestClosedRunner(t *testing.T) {
	t.Parallel()
	var got seen
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { got.add(r); return nil })
	s := start(t, primaryEcho, shadow, &compare.Rules{}, Options{Percentage: 100})
	s.runner.Close(context.Background())
	if _, body := get(t, http.MethodPost, s.url+"/", "x"); body != "primary:x" {
		t.Fatalf("client got %q", body)
	}
	if got.count() != 0 {
		t.Fatal("a closed runner copied a request")
	}
}

// The client going away ends the primary's context, never the shadow's: the shadow is its own
// request, bounded by its own timeout, and the pair is still counted (here as compared, the
// primary having answered before it noticed).
func TestClientGoneDoesNotCancelShadow(t *testing.T) {
	t.Parallel()
	primaryDone, shadowEntered, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	shadowErr := make(chan error, 1)
	primary := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		defer close(primaryDone)
		_, _ = io.WriteString(w, "primary:")
		http.NewResponseController(w).Flush()
		<-r.Context().Done() // the client is gone
		return nil
	})
	shadow := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		close(shadowEntered)
		<-release
		shadowErr <- r.Context().Err()
		_, _ = io.WriteString(w, "primary:")
		return nil
	})
	s := start(t, primary, shadow, &compare.Rules{Body: compare.BodyBytes}, Options{Percentage: 100, Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/", http.NoBody)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	<-shadowEntered
	cancel()
	resp.Body.Close()
	<-primaryDone
	close(release)
	if err := <-shadowErr; err != nil {
		t.Fatalf("the shadow's context ended with the client's: %v", err)
	}
	if r := s.finish(); r.Match != 1 {
		t.Fatalf("report = %+v; want the pair compared", r.Counts)
	}
}

// Mirrors given one Limit share it: a second mirror of the same rule (a reload's) copies nothing
// while the first one's copy takes the only slot.
func TestSharedLimit(t *testing.T) {
	t.Parallel()
	shadow, entered, release := blockingShadow()
	runner := NewRunner()
	tally := compare.NewTally(&compare.Rules{}, 10)
	opts := Options{Percentage: 100, Timeout: time.Hour, Limit: NewLimit(1)}
	before := server(t, NewMirror(runner, shadow, tally, opts).Wrap(primaryEcho))
	after := server(t, NewMirror(runner, shadow, tally, opts).Wrap(primaryEcho))
	get(t, http.MethodGet, before.URL+"/1", "")
	<-entered
	get(t, http.MethodGet, after.URL+"/2", "")
	close(release)
	runner.Close(context.Background())
	if r := tally.Report(); r.Shadowed != 1 || r.Skipped[compare.SkipBusy] != 1 {
		t.Fatalf("report = %+v; want one copy and one skipped (busy)", r.Counts)
	}
}

// blockingShadow is a shadow target that signals entered for each copy it receives and holds it
// until release is closed: a copy that takes a slot for as long as the test wants.
func blockingShadow() (shadow handlerFunc, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 2), make(chan struct{})
	shadow = func(w http.ResponseWriter, r *http.Request) error {
		entered <- struct{}{}
		<-release
		return nil
	}
	return shadow, entered, release
}
