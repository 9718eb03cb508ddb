package elberr

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingRecorder is an access-log style wrapper that learns about raw responses.
type countingRecorder struct {
	http.ResponseWriter
	mu     sync.Mutex
	status int
	bytes  int64
}

func (c *countingRecorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *countingRecorder) RecordRaw(status int, _, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status, c.bytes = status, n
}

// TestWriteResumeFromContextAndRecorder wires the package-level Write the way the listener and
// router do: Resume through http.Server.ConnContext, accounting through RawRecorder (T28).
func TestWriteResumeFromContextAndRecorder(t *testing.T) {
	t.Parallel()
	l := newResumeListener(t)
	recorded := make(chan [2]int64, 4)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &countingRecorder{ResponseWriter: w}
			_ = Write(rec, r, &Error{Status: 503}, false)
			recorded <- [2]int64{int64(rec.status), rec.bytes}
		}),
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context { return WithResume(ctx, l.Resume) },
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close(); l.Close() })
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for i := range 2 {
		send(t, c, getReq)
		resp := readRaw(t, br, false)
		if resp.statusLine != "HTTP/1.1 503 Service Temporarily Unavailable" || resp.get("Connection") != "keep-alive" || resp.get("Server") != "" {
			t.Fatalf("response %d: %q %v", i, resp.statusLine, resp.header)
		}
		if got := <-recorded; got != [2]int64{503, 162} {
			t.Errorf("recorder saw %v, want [503 162]", got)
		}
	}
}

// TestRawResponseGolden pins the response used below net/http (malformed requests), Date masked.
func TestRawResponseGolden(t *testing.T) {
	t.Parallel()
	raw := string(RawResponse(400))
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Date: ") {
			if _, err := time.Parse(http.TimeFormat, strings.TrimPrefix(l, "Date: ")); err != nil {
				t.Errorf("Date: %v", err)
			}
			lines[i] = "Date: <masked>"
		}
	}
	if body != Page(400) {
		t.Errorf("body %q", body)
	}
	golden(t, "raw-400.txt", []byte(strings.Join(lines, "\r\n")+"\r\n\r\n"+body))
}
