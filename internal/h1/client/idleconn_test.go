package client

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection, closed when the test ends.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); peer.Close() })
	return c, peer
}

// TestIdleConnReadTimesOut: a read on a connection where nothing moves fails with a timeout.
func TestIdleConnReadTimesOut(t *testing.T) {
	c, _ := tcpPair(t)
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
	c, peer := tcpPair(t)
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
