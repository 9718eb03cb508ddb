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

// TestColdWaitsForReadyThenTimesOneRequest: the server is "starting" for three probes; the
// function must be invoked exactly once, after readiness.
func TestColdWaitsForReadyThenTimesOneRequest(t *testing.T) {
	var probes, invokes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if probes.Add(1) <= 3 {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready")
	})
	mux.HandleFunc("/fn/hello", func(w http.ResponseWriter, _ *http.Request) {
		if probes.Load() <= 3 {
			t.Error("invoked before the server was ready")
		}
		invokes.Add(1)
		time.Sleep(5 * time.Millisecond) // a cold start: the answer's first byte comes late
		_, _ = io.WriteString(w, "marker")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	client := newClient(1)
	ctx := context.Background()
	if err := awaitReady(ctx, client, srv.URL+"/ready", "", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	r, err := coldRequest(ctx, client, target{url: srv.URL + "/fn/hello", method: http.MethodGet, expect: []string{"marker"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.ok || invokes.Load() != 1 {
		t.Fatalf("ok %v (%s), %d invocations; want one successful", r.ok, r.why, invokes.Load())
	}
	if r.firstByte < 5*time.Millisecond || r.total < r.firstByte {
		t.Fatalf("first byte %v, total %v: want the handler's delay within the first byte", r.firstByte, r.total)
	}
}

func TestAwaitReadyTCP(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := awaitReady(context.Background(), nil, "", addr, time.Second); err != nil {
		t.Fatalf("listening port: %v", err)
	}
	_ = ln.Close()
	if err := awaitReady(context.Background(), nil, "", addr, 20*time.Millisecond); err == nil {
		t.Fatal("closed port reported ready")
	}
}

func TestColdLineRoundTrip(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	r := coldResult{firstByte: 3500 * time.Microsecond, total: 3600 * time.Microsecond, ok: true}
	if err := r.write(&b, "albatross-fn", 4); err != nil {
		t.Fatal(err)
	}
	back, err := parseCold(strings.NewReader(coldHeader + "\n" + b.String()))
	if err != nil || len(back) != 1 {
		t.Fatalf("parseCold = %+v, %v", back, err)
	}
	if got := back[0]; got.system != "albatross-fn" || got.round != 4 || got.firstByte != r.firstByte || !got.ok {
		t.Fatalf("round trip = %+v", got)
	}
}
