package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// emulatorLike answers every second request 200 with an error document, as the emulator does for
// some failures, and the others 200 with the marker; it also checks the POSTed event arrived.
func emulatorLike(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || string(body) != `{"httpMethod":"GET"}` {
			http.Error(w, "bad invoke", http.StatusBadRequest)
			return
		}
		if n.Add(1)%2 == 0 {
			_, _ = io.WriteString(w, `{"errorType":"Runtime.Unknown","errorMessage":"boom"}`)
			return
		}
		_, _ = io.WriteString(w, `{"statusCode":200,"body":"marker"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestGenerateCountsOnlySuccessfulAnswers(t *testing.T) {
	srv, served := emulatorLike(t)
	tg := target{url: srv.URL, method: http.MethodPost, body: []byte(`{"httpMethod":"GET"}`),
		expect: []string{`"statusCode":200`, "marker"}}
	res := generate(context.Background(), tg, newClient(1), 1, 50*time.Millisecond)
	if res.ok+res.errors != int(served.Load()) {
		t.Fatalf("ok %d + errors %d != %d answers served", res.ok, res.errors, served.Load())
	}
	// One connection, strictly alternating answers: the counts differ by at most one.
	if res.ok == 0 || res.ok-res.errors > 1 || res.errors-res.ok > 1 {
		t.Fatalf("ok %d, errors %d: want alternating answers counted apart", res.ok, res.errors)
	}
	if len(res.latencies) != res.ok {
		t.Fatalf("%d latencies for %d successful answers", len(res.latencies), res.ok)
	}
	if !strings.Contains(res.firstError, "errorType") {
		t.Fatalf("first error %q does not show the error document", res.firstError)
	}
}

func TestGenerateCountsStatusAndTransportErrors(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc    string
		handler http.HandlerFunc
		closed  bool
	}{
		{desc: "502 with the marker in the body is an error", handler: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "marker", http.StatusBadGateway)
		}},
		{desc: "a refused connection is an error", closed: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			if tc.closed {
				srv.Close()
			} else {
				t.Cleanup(srv.Close)
			}
			res := generate(context.Background(), target{url: srv.URL, method: http.MethodGet, expect: []string{"marker"}},
				newClient(2), 2, 30*time.Millisecond)
			if res.ok != 0 || res.errors == 0 {
				t.Fatalf("ok %d, errors %d: want only errors", res.ok, res.errors)
			}
		})
	}
}

func TestGenerateKeepsConnectionsAlive(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "marker")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	res := generate(context.Background(), target{url: srv.URL, method: http.MethodGet, expect: []string{"marker"}},
		newClient(4), 4, 50*time.Millisecond)
	if res.ok < 8 || res.errors != 0 {
		t.Fatalf("ok %d, errors %d", res.ok, res.errors)
	}
	if got := conns.Load(); got > 4 {
		t.Fatalf("%d connections for 4 workers: keep-alive is not in use", got)
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	res := loadResult{ok: 4, errors: 1, elapsed: 2 * time.Second,
		latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 40 * time.Millisecond}}
	r := record("albatross-fn", 10, 2, res, ticks{own: 2, all: 8}, 100, true)
	// 8 ticks at 100/s = 80 ms of CPU over 4 successful answers = 20,000 µs each, 5,000 of them
	// in the server itself.
	if r.rps != 2 || r.p50 != 2*time.Millisecond || r.p99 != 40*time.Millisecond || r.cpuPerReqUS != 20000 || r.ownPerReqUS != 5000 {
		t.Fatalf("record = %+v", r)
	}
	var b strings.Builder
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	back, err := parseRuns(strings.NewReader(runsHeader + "\n" + b.String()))
	if err != nil || len(back) != 1 || back[0].cpuPerReqUS != 20000 || back[0].ownPerReqUS != 5000 || back[0].p99 != r.p99 || back[0].errors != 1 {
		t.Fatalf("parseRuns(write(r)) = %+v, %v", back, err)
	}
	if r := record("rie", 1, 1, res, ticks{own: 8, all: 8}, 100, false); r.cpuPerReqUS == r.cpuPerReqUS {
		t.Fatalf("CPU without PIDs = %v, want NaN", r.cpuPerReqUS)
	}
}
