package inproc

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
	"github.com/albatross-lb/albatross/internal/config/file"
	"github.com/albatross-lb/albatross/internal/reconcile"
)

// quietLogger drops what albatross serve --log-level warn drops (START/END/REPORT lines).
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// buildBootstrap builds bench/lambda/fn as a bootstrap into a temporary folder.
func buildBootstrap(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "fn")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build bench/lambda/fn: %v\n%s", err, out)
	}
	return bin
}

// startHTTPFn serves the handler logic as bench/lambda/httpfn does and returns its port.
func startHTTPFn(tb testing.TB) int {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := hello.Respond(r.Method, r.URL.Path)
		w.Header().Set("Content-Type", hello.ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.Body)
	}))
	tb.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startAlbatross fills bench/lambda/albatross.yaml.in (provisioned environments as given),
// applies it to a fresh data plane and returns the listener's base URL.
func startAlbatross(tb testing.TB, provisioned int) string {
	tb.Helper()
	tmpl, err := os.ReadFile(filepath.Join("..", "albatross.yaml.in"))
	if err != nil {
		tb.Fatal(err)
	}
	fnDir, err := filepath.Abs(filepath.Join("..", "fn"))
	if err != nil {
		tb.Fatal(err)
	}
	port := freePort(tb)
	yaml := strings.NewReplacer("@ALB_PORT@", strconv.Itoa(port), "@HTTPFN_PORT@", strconv.Itoa(startHTTPFn(tb)),
		"@FN_DIR@", fnDir, "@PROVISIONED@", strconv.Itoa(provisioned)).Replace(string(tmpl))
	path := filepath.Join(tb.TempDir(), "albatross.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg, err := file.Load(path)
	if err != nil {
		tb.Fatalf("bench/lambda/albatross.yaml.in does not load: %v", err)
	}
	rt := reconcile.New(reconcile.Options{Logger: quietLogger(), CacheDir: tb.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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

// newClient keeps up to conns keep-alive connections.
func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}
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
