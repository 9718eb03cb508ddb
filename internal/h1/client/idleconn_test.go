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
