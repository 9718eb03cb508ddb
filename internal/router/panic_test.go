package router

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestPanicInActionGetsALB500 injects a panic in the action, as a bug anywhere in the pipeline
// would: the client gets the ALB's 500 page before the response starts and a cut connection
// after; the access log records the 500; the panic is logged at ERROR with its stack and counted;
// the server keeps serving.
func TestPanicInActionGetsALB500(t *testing.T) {
	logs := &syncLog{}
	obs := make(observerChan, 16)
	before := observe.PanicCount("router")
	rt := New(Settings{Protocol: "HTTP", Port: 80, ServerHeader: true}, matcherFunc(func(r *http.Request, _ netip.Addr) (int, int) { return -1, 0 }), nil,
		handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			if r.URL.Path == "/late" {
				w.WriteHeader(200)
				_, _ = io.WriteString(w, "half")
				w.(http.Flusher).Flush()
			}
			var empty []int
			return fmt.Errorf("unreachable %d", empty[len(r.URL.Path)]) // index out of range: a real bug's panic
		}), obs, slog.New(slog.NewTextHandler(logs, nil)))
	srv := httptest.NewServer(rt)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/early")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || string(body) != elberr.Page(500) {
		t.Fatalf("got %d %q, want the ALB 500 page", resp.StatusCode, body)
	}
	if ex := <-obs; ex.Status != 500 {
		t.Errorf("access log status %d, want 500", ex.Status)
	}

	resp, err = http.Get(srv.URL + "/late")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("a response cut by a panic reached the client as a whole one")
	}
	<-obs

	if got := observe.PanicCount("router") - before; got != 2 {
		t.Errorf("albatross_panics_total{component=router} grew by %d, want 2", got)
	}
	out := logs.String()
	if !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "index out of range") || !strings.Contains(out, "panic_test.go") {
		t.Errorf("no ERROR line with the panic and its stack:\n%s", out)
	}
	if resp, err := http.Get(srv.URL + "/early"); err != nil || resp.StatusCode != 500 {
		t.Fatalf("server not serving after panics: %v", err)
	}
}
