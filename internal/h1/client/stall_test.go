package client

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// errClientQuiet stands for the listener's verdict on a client silent mid-body (TMO-01's 408).
var errClientQuiet = errors.New("client sent no body data for the idle timeout")

// stallingBody gives its first bytes, then nothing until the client side's own idle timeout
// fails the read: the client stalls mid-body.
type stallingBody struct {
	first []byte
	stall time.Duration
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if len(b.first) > 0 {
		n := copy(p, b.first)
		b.first = b.first[n:]
		return n, nil
	}
	time.Sleep(b.stall)
	return 0, errClientQuiet
}

func (b *stallingBody) Close() error { return nil }

// TestStalledClientBodyIsTheClientsFailure: a client that sends part of its body and goes quiet
// longer than the idle timeout, to a target that waits for the rest, fails with its own body
// error (the router's 408), not with the target connection's idle timeout (a 504): waiting for
// the client is not the target's silence (TMO-01, TMO-02).
func TestStalledClientBodyIsTheClientsFailure(t *testing.T) {
	const idle = 100 * time.Millisecond
	got := make(chan string, 1)
	addr, _ := rawTarget(t, func(_ int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		body, _ := io.ReadAll(br) // the target waits for the whole body, saying nothing
		got <- string(body)
	})
	c := New(Options{IdleTimeout: idle})
	r := httptest.NewRequest(http.MethodPost, "http://a/stalled", nil)
	r.ContentLength = 100
	// The stall is many idle timeouts long, so that before the fix the target side ran out first
	// whatever the load.
	r.Body = &stallingBody{first: []byte("abc"), stall: 5 * idle}
	w := httptest.NewRecorder()
	err := c.Forward(w, r, addr, false)
	if !errors.Is(err, errClientQuiet) {
		t.Fatalf("Forward: %v, want the client's body failure", err)
	}
	if body := <-got; body != "abc" {
		t.Errorf("target received body %q, want the client's bytes forwarded as they came", body)
	}
}

// TestTargetSilentAfterBodyTimesOut: once the body is sent, the target's silence counts again:
// the wait for the client's body does not leave the connection without its idle timeout.
func TestTargetSilentAfterBodyTimesOut(t *testing.T) {
	const idle = 100 * time.Millisecond
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	addr, _ := rawTarget(t, func(_ int32, c net.Conn, br *bufio.Reader) {
		readHead(br)
		_, _ = io.CopyN(io.Discard, br, 3)
		<-release // silent until the test ends
	})
	c := New(Options{IdleTimeout: idle})
	r := httptest.NewRequest(http.MethodPost, "http://a/slow", nil)
	r.ContentLength = 3
	r.Body = io.NopCloser(&slowReader{data: []byte("abc"), pause: 2 * idle})
	err := c.Forward(httptest.NewRecorder(), r, addr, false)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Forward: %v, want the target's idle timeout", err)
	}
}

// slowReader gives one byte per pause: a client slower than the idle timeout between bytes,
// which is still progress towards the target each time.
type slowReader struct {
	data  []byte
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	p[0] = s.data[0]
	s.data = s.data[1:]
	return 1, nil
}
