package inproc

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
	"github.com/albatross-lb/albatross/internal/function"
)

// environments matches provisioned_concurrency in the warm runs of bench/lambda/run.sh.
const environments = 10

// TestBothVariantsAnswerAlike checks the harness before anything is measured: through Albatross
// the function and the HTTP server give the same answer for the same logic (LAM-01, LAM-25).
func TestBothVariantsAnswerAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go function")
	}
	base := startAlbatross(t, 1)
	c := newClient(1)
	for _, path := range []string{"/fn/hello", "/http/hello"} {
		status, body, err := get(c, base+path)
		if err != nil {
			t.Fatal(err)
		}
		want := hello.Respond("GET", path)
		if status != want.Status || body != want.Body {
			t.Fatalf("GET %s = %d %q, want %d %q", path, status, body, want.Status, want.Body)
		}
	}
}

// BenchmarkInvoke is the function engine alone: payload in, payload out, through the pool and the
// Runtime API to a warm Go process.
func BenchmarkInvoke(b *testing.B) {
	bin := buildBootstrap(b)
	payload, err := os.ReadFile(filepath.Join("..", "event.json"))
	if err != nil {
		b.Fatal(err)
	}
	fn, err := function.New(function.Spec{Name: "fnbench", Command: []string{bin}, TaskRoot: filepath.Dir(bin),
		Timeout: 3 * time.Second, Reserved: environments, Provisioned: environments, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = fn.Close(context.Background()) })
	ctx := context.Background()
	if _, err := fn.Invoke(ctx, payload); err != nil { // the first may wait for init
		b.Fatal(err)
	}
	b.SetParallelism(max(1, environments/runtime.GOMAXPROCS(0))) // environments goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := fn.Invoke(ctx, payload)
			if err != nil || resp.FunctionError != "" || !strings.Contains(string(resp.Payload), hello.Marker) {
				b.Errorf("invoke: %v %+v", err, resp)
				return
			}
		}
	})
}

func BenchmarkALBFunction(b *testing.B) { benchALB(b, "/fn/hello") }

func BenchmarkALBHTTP(b *testing.B) { benchALB(b, "/http/hello") }

// benchALB sends GET path through the data plane from about `environments` goroutines, each
// with a keep-alive connection of its own.
func benchALB(b *testing.B, path string) {
	url := startAlbatross(b, environments) + path
	c := newClient(environments * 2)
	want := hello.Respond("GET", path)
	if status, body, err := get(c, url); err != nil || status != want.Status || body != want.Body {
		b.Fatalf("GET %s = %d %q, %v", path, status, body, err)
	}
	b.SetParallelism(max(1, environments/runtime.GOMAXPROCS(0))) // environments goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			status, body, err := get(c, url)
			if err != nil || status != want.Status || body != want.Body {
				b.Errorf("GET %s = %d %q, %v", path, status, body, err)
				return
			}
		}
	})
}
