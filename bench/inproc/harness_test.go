package inproc

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config/file"
	"github.com/albatross-lb/albatross/internal/reconcile"
)

// backendBody is what the benchmark backend answers (as bench/backend does).
const backendBody = "hello from the albatross benchmark backend\n"

// connections is the number of concurrent keep-alive connections, as in bench/run.sh.
const connections = 50

// startBackend serves backendBody on 127.0.0.1 and returns its port.
func startBackend(tb testing.TB) int {
	tb.Helper()
	length := []string{strconv.Itoa(len(backendBody))}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain; charset=utf-8"}
		w.Header()["Content-Length"] = length
		_, _ = io.WriteString(w, backendBody)
	}))
	tb.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// freePort asks the kernel for a free port on 127.0.0.1; the config needs a fixed one (LST-01).
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startAlbatross fills bench/albatross.yaml.in, applies it to a fresh data plane and returns the
// listener's base URL. The data plane is closed when the test ends.
func startAlbatross(tb testing.TB, backendPort int) string {
	tb.Helper()
	tmpl, err := os.ReadFile(filepath.Join("..", "albatross.yaml.in"))
	if err != nil {
		tb.Fatal(err)
	}
	port := freePort(tb)
	yaml := strings.NewReplacer("@ALB_PORT@", strconv.Itoa(port), "@BACKEND_PORT@", strconv.Itoa(backendPort)).Replace(string(tmpl))
	path := filepath.Join(tb.TempDir(), "albatross.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg, err := file.Load(path)
	if err != nil {
		tb.Fatalf("bench/albatross.yaml.in does not load: %v", err)
	}
	rt := reconcile.New(reconcile.Options{
		Logger:   slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})),
		CacheDir: tb.TempDir(),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rt.Apply(ctx, cfg); err != nil {
		tb.Fatalf("apply: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.Close(ctx)
	})
	return "http://127.0.0.1:" + strconv.Itoa(port)
}

// newClient keeps one idle connection per concurrent request, as wrk does.
func newClient() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: connections,
			DisableCompression:  true,
		},
	}
}

// get fetches url and returns the status and body.
func get(c *http.Client, url string) (int, string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
