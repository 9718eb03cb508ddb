package listener

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// load sends GET requests from workers keep-alive clients until stop is closed and returns how
// many succeeded, and the first failures. Every response body is checked with valid.
func load(t *testing.T, addr string, workers int, stop <-chan struct{}, valid func(string) bool) (ok int64, failures []string) {
	t.Helper()
	var mu sync.Mutex
	var okCount atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}, Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + addr + "/")
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				if err == nil && (resp.StatusCode != http.StatusOK || !valid(string(body))) {
					err = errors.New(resp.Status + " " + string(body))
				}
				if err != nil {
					mu.Lock()
					if len(failures) < 5 {
						failures = append(failures, err.Error())
					}
					mu.Unlock()
					continue
				}
				okCount.Add(1)
			}
		})
	}
	wg.Wait()
	return okCount.Load(), failures
}

// TestSetHandlerUnderLoad: swapping the handler (a reload) while clients keep sending fails no
// request, and after the swap every request meets the new handler.
func TestSetHandlerUnderLoad(t *testing.T) {
	t.Parallel()
	l := listen(t, okHandler("gen-0"), Options{})
	stop := make(chan struct{})
	done := make(chan struct{})
	var ok int64
	var failures []string
	go func() {
		defer close(done)
		ok, failures = load(t, l.Addr().String(), 4, stop, func(b string) bool { return strings.HasPrefix(b, "gen-") })
	}()
	for i := 1; i <= 30; i++ {
		time.Sleep(2 * time.Millisecond)
		l.SetHandler(okHandler("gen-" + itoa(i)))
	}
	close(stop)
	<-done
	if len(failures) > 0 || ok == 0 {
		t.Fatalf("%d requests succeeded, failures: %q", ok, failures)
	}
	for range 3 { // new connections and pooled ones alike
		if got := get(t, l.Addr().String()); got != "gen-30" {
			t.Errorf("after the last swap: %q, want gen-30", got)
		}
	}
}

func get(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestSetOptionsUnderLoad: changing the idle timeout (TMO-01) starts a new server generation for
// new connections while the old one drains; no request fails meanwhile.
func TestSetOptionsUnderLoad(t *testing.T) {
	t.Parallel()
	l := listen(t, okHandler("ok"), Options{IdleTimeout: 30 * time.Second})
	stop := make(chan struct{})
	done := make(chan struct{})
	var ok int64
	var failures []string
	go func() {
		defer close(done)
		ok, failures = load(t, l.Addr().String(), 4, stop, func(b string) bool { return b == "ok" })
	}()
	for i := range 20 {
		time.Sleep(3 * time.Millisecond)
		l.SetOptions(Options{IdleTimeout: time.Duration(31+i) * time.Second})
	}
	close(stop)
	<-done
	if len(failures) > 0 || ok == 0 {
		t.Fatalf("%d requests succeeded, failures: %q", ok, failures)
	}
	l.mu.Lock()
	idle := l.current.server.IdleTimeout
	l.mu.Unlock()
	if idle != 50*time.Second {
		t.Errorf("current generation idle timeout %v, want 50s", idle)
	}
	// The clients closed their connections: every retired generation has drained and is gone.
	for range 500 {
		l.mu.Lock()
		n := len(l.draining)
		l.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("retired generations never drained")
}

// blockingHandler answers "done" once release is closed, signalling each start on started.
func blockingHandler(started chan<- struct{}, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-release:
			_, _ = io.WriteString(w, "done")
		case <-r.Context().Done():
		}
	})
}

// TestCloseDrains: Close stops accepting at once, lets the request in flight finish, also one on
// a generation retired by SetOptions, and returns nil.
func TestCloseDrains(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}, 2), make(chan struct{})
	l, err := Listen("127.0.0.1:0", blockingHandler(started, release), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	results := make(chan string, 2)
	request := func() {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			results <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		results <- string(b)
	}
	go request()
	<-started
	l.SetOptions(Options{IdleTimeout: time.Second}) // the first request now runs on a draining generation
	go request()
	<-started

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		closed <- l.Close(ctx)
	}()
	waitRefused(t, addr)
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v with requests in flight", err)
	default:
	}
	close(release)
	for range 2 {
		if got := <-results; got != "done" {
			t.Errorf("request in flight got %q, want done", got)
		}
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v, want nil after a complete drain", err)
	}
}

// waitRefused waits until addr refuses connections (the socket is closed).
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	for range 500 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("listener still accepts after Close")
}

// TestCloseCutsAtDeadline: requests still running when Close's context ends are cut, on the
// current and on a draining generation, and Close reports the deadline.
func TestCloseCutsAtDeadline(t *testing.T) {
	t.Parallel()
	started, never := make(chan struct{}, 2), make(chan struct{})
	l, err := Listen("127.0.0.1:0", blockingHandler(started, never), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	request := func() {
		resp, err := http.Get("http://" + l.Addr().String() + "/")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		errs <- err
	}
	go request()
	<-started
	l.SetOptions(Options{IdleTimeout: time.Second})
	go request()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := l.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want context.DeadlineExceeded", err)
	}
	for range 2 {
		select {
		case err := <-errs:
			if err == nil {
				t.Error("a request in flight completed normally after the deadline")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a request in flight was not cut at the deadline")
		}
	}
}

// TestResumeAfterHijackedPage: a 503 that elberr writes on the hijacked connection (T28, with
// Connection: keep-alive as observed) leaves the connection usable; the listener serves the next
// request on it.
func TestResumeAfterHijackedPage(t *testing.T) {
	t.Parallel()
	l := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/none" {
			_ = elberr.Write(w, r, &elberr.Error{Status: http.StatusServiceUnavailable}, true)
			return
		}
		_, _ = io.WriteString(w, "served again")
	}), Options{})
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for i, path := range []string{"/none", "/none", "/ok"} {
		if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: a\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d on the resumed connection: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := map[string]string{"/none": elberr.Page(503), "/ok": "served again"}[path]
		if string(body) != want || resp.Close {
			t.Errorf("request %d: %s %q close=%v, want %q on a kept connection", i, resp.Status, body, resp.Close, want)
		}
	}
}
