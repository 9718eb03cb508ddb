package listener

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// rejectionCount counts refusals. The listener counts one after it closed the connection, so a
// client can see the close before the count: waitAtLeast waits for the count itself.
type rejectionCount struct {
	n       atomic.Int32
	counted chan struct{} // a token per change (buffered 1, never blocks the listener); may be nil
}

func newRejectionCount() *rejectionCount {
	return &rejectionCount{counted: make(chan struct{}, 1)}
}

func (r *rejectionCount) ConnectionRejected() {
	r.n.Add(1)
	if r.counted != nil {
		select {
		case r.counted <- struct{}{}:
		default:
		}
	}
}

// waitAtLeast waits until want refusals were counted; the bound only turns a missing refusal
// into a failure instead of a hang.
func (r *rejectionCount) waitAtLeast(t *testing.T, want int32) {
	t.Helper()
	bound := time.NewTimer(time.Minute)
	defer bound.Stop()
	for r.n.Load() < want {
		select {
		case <-r.counted:
		case <-bound.C:
			t.Fatalf("counted %d refusals, want at least %d", r.n.Load(), want)
		}
	}
}

// waitOpenFrom waits until the listener counts at most want open connections from ip. The
// listener notices a client's close asynchronously (its read of the connection ends), and no
// event tells the test, so this watches the count the caps use; the bound only turns a lost
// release into a failure instead of a hang.
func waitOpenFrom(t *testing.T, l *Listener, ip string, want int) {
	t.Helper()
	addr := netip.MustParseAddr(ip)
	open := func() int {
		l.conns.mu.Lock()
		defer l.conns.mu.Unlock()
		return l.conns.perIP[addr]
	}
	for deadline := time.Now().Add(time.Minute); open() > want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the listener still counts %d connections from %s, want at most %d", open(), ip, want)
		}
	}
}

// lockedBuffer is a log sink safe for the listener's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listenLogged is listen with the listener's log kept.
func listenLogged(t *testing.T, h http.Handler, opts Options) (*Listener, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	l, err := Listen("127.0.0.1:0", h, opts, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close(t.Context()) })
	return l, logs
}

// dialFrom opens a TCP connection to l from the loopback address src (every 127/8 address is
// local on Linux), so that tests can play several clients.
func dialFrom(t *testing.T, l *Listener, src string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// Generous: an answer or a refusal comes at once unless the machine is loaded; only a
	// failing test waits this long.
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// served reports whether c answers a request with 200.
func served(c net.Conn) bool {
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	return err == nil && resp.StatusCode == 200
}

// refused reports whether the listener closed c without answering.
func refused(c net.Conn) bool {
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	n, err := c.Read(make([]byte, 1))
	var ne net.Error
	return n == 0 && err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// TestConnectionCaps: a greedy client that opens many silent connections (slowloris) holds no
// more than its per-IP share, other clients are still served, a connection closed gives its place
// back, the global cap holds across clients, and each refusal is counted and logged.
func TestConnectionCaps(t *testing.T) {
	t.Parallel()
	counter := newRejectionCount()
	l, logs := listenLogged(t, okHandler("ok"), Options{MaxConnections: 5, MaxConnectionsPerIP: 3, Rejections: counter})

	greedy := make([]net.Conn, 0, 3)
	for range 3 {
		greedy = append(greedy, dialFrom(t, l, "127.0.0.1")) // silent: slowloris
	}
	for i := range 10 {
		if c := dialFrom(t, l, "127.0.0.1"); !refused(c) {
			t.Fatalf("connection %d over the per-IP cap was not refused", 4+i)
		}
	}
	other := dialFrom(t, l, "127.0.0.2")
	if !served(other) {
		t.Fatal("another client is not served while one IP is at its cap")
	}

	greedy[0].Close()
	waitOpenFrom(t, l, "127.0.0.1", 2) // the listener notices the close asynchronously
	if c := dialFrom(t, l, "127.0.0.1"); !served(c) {
		t.Fatal("a closed connection did not give its place back")
	}

	// Open now: 2 greedy + 1 re-admitted + 1 other = 4 of 5.
	dialFrom(t, l, "127.0.0.3")
	if c := dialFrom(t, l, "127.0.0.4"); !refused(c) {
		t.Fatal("a connection over the global cap was not refused")
	}
	counter.waitAtLeast(t, 11) // 10 over the per-IP cap, 1 over the global one
	if !strings.Contains(logs.String(), "connection refused: cap reached") || !strings.Contains(logs.String(), "cap=max_connections_per_source_ip") {
		t.Errorf("no log line about the cap:\n%s", logs)
	}
}

// TestTLSHandshakeCapAndTimeout: peers that open TCP connections to an HTTPS listener and never
// start the handshake hold at most MaxHandshakes handshake slots, further ones are refused at
// once, and a stalled handshake is cut after the handshake timeout (here the shorter idle
// timeout) so the slot frees.
func TestTLSHandshakeCapAndTimeout(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	opts := f.options(t, tlsconf.Settings{}, tlsconf.Headers{})
	opts.IdleTimeout = time.Second
	opts.MaxHandshakes = 2
	counter := &rejectionCount{}
	opts.Rejections = counter
	l := listen(t, okHandler("ok"), opts)

	stalled := []net.Conn{dialFrom(t, l, "127.0.0.1"), dialFrom(t, l, "127.0.0.1")}
	for counter.n.Load() == 0 { // the two register asynchronously after Accept; the test's deadline bounds this
		third := dialFrom(t, l, "127.0.0.2") // sends nothing either: only the cap can close it at once
		if _, err := third.Read(make([]byte, 1)); err == nil {
			t.Fatal("the listener wrote to a connection before its handshake")
		}
	}
	for i, c := range stalled {
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
			t.Fatalf("stalled handshake %d not cut: %v", i, err)
		}
	}
	if counter.n.Load() == 0 {
		t.Error("refused handshake not counted")
	}
}
