package client

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// TestIdleConnReadTimesOut: a read on a connection where nothing moves fails with a timeout.
func TestIdleConnReadTimesOut(t *testing.T) {
	c, _ := testkit.TCPPair(t)
	ic := NewIdleConn(c, 100*time.Millisecond)
	_, err := ic.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read on a silent connection = %v; want a timeout", err)
	}
}

// TestIdleConnWritesKeepReadsAlive: progress in the other direction keeps a read waiting past
// the idle timeout; the read deadline set before the writes (armRead keeps it while it is close
// enough) fires early and is set again instead of failing the read or spinning.
func TestIdleConnWritesKeepReadsAlive(t *testing.T) {
	const idle = time.Second
	c, peer := testkit.TCPPair(t)
	ic := NewIdleConn(c, idle)
	got := make(chan error, 1)
	go func() {
		buf := make([]byte, 1)
		_, err := ic.Read(buf)
		got <- err
	}()
	// Writes for 2.5 idle timeouts, each far within one; then the answer comes.
	for range 25 {
		if _, err := ic.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(idle / 10)
	}
	if _, err := peer.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("Read while the connection kept writing = %v; want the byte", err)
	}
}

// TestIdleConnWriteReadOnPooledConnection: writeRead arms its read from the connection's last
// progress, the moment it was taken from the pool, without reading the clock. A deadline kept
// from the previous exchange then fires before the target's answer, which comes within the idle
// timeout of the take; the read is retried and gets it. A target that stays silent still fails
// the read after the idle timeout.
func TestIdleConnWriteReadOnPooledConnection(t *testing.T) {
	const idle = 300 * time.Millisecond
	for _, answers := range []bool{true, false} {
		c, peer := testkit.TCPPair(t)
		ic := NewIdleConn(c, idle)
		if ic.sock == nil {
			t.Skip("no raw socket on this platform: writeRead is not used")
		}
		ic.armRead() // the previous exchange's deadline: its start plus idle
		time.Sleep(idle / 3)
		taken := time.Now()
		ic.touchAt(taken) // pool.get's wake
		go func() {
			buf := make([]byte, 3)
			_, _ = peer.Read(buf)
			if answers {
				time.Sleep(idle * 3 / 4) // past the kept deadline, within idle of the take
				_, _ = peer.Write([]byte("y"))
			}
		}()
		n, _, werr, rerr := ic.writeRead([]byte("req"), make([]byte, 8), false)
		elapsed := time.Since(taken)
		switch {
		case werr != nil:
			t.Fatalf("write: %v", werr)
		case answers && (rerr != nil || n != 1):
			t.Fatalf("target answering %v after the take: n=%d, %v; want its byte", idle*3/4, n, rerr)
		case !answers && !errors.Is(rerr, os.ErrDeadlineExceeded):
			t.Fatalf("silent target: %v; want a timeout", rerr)
		case !answers && elapsed < idle:
			t.Fatalf("silent target failed after %v, before the idle timeout %v", elapsed, idle)
		}
	}
}
