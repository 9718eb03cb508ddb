package sock

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// answer makes peer answer each 4-byte request with reply, n times, at once.
func answer(t *testing.T, peer net.Conn, reply string, n int) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	out := []byte(reply)
	go func() {
		b := make([]byte, 4)
		for range n {
			if _, err := io.ReadFull(peer, b); err != nil {
				done <- err
				return
			}
			if _, err := peer.Write(out); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return done
}

// TestWriteRead: the request goes out and the answer comes back through one call, however
// quickly the peer answers; what the call cannot finish it hands back as documented.
func TestWriteRead(t *testing.T) {
	t.Run("answers as fast as the peer can give them", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		// A deadline turns a lost wake-up (an answer that arrived before the wait and was
		// never read) into a failure instead of a hung test.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		const rounds = 2000
		done := answer(t, peer, "pong", rounds)
		buf := make([]byte, 16)
		for i := range rounds {
			written, n, _, err := s.WriteRead([]byte("ping"), buf, i%2 == 0)
			if written != 4 || err != nil || string(buf[:n]) != "pong" {
				t.Fatalf("round %d: WriteRead = %d, %q, %v; want 4, pong, nil", i, written, buf[:n], err)
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the peer closes after the request", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		go func() {
			b := make([]byte, 4)
			_, _ = io.ReadFull(peer, b)
			peer.Close()
		}()
		written, n, _, err := s.WriteRead([]byte("ping"), make([]byte, 8), false)
		if written != 4 || n != 0 || err != io.EOF {
			t.Fatalf("WriteRead = %d, %d, %v; want 4, 0, EOF", written, n, err)
		}
	})
	t.Run("no answer within the read deadline", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		written, n, _, err := s.WriteRead([]byte("ping"), make([]byte, 8), false)
		var oe *net.OpError
		if written != 4 || n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &oe) || oe.Op != "read" {
			t.Fatalf("WriteRead = %d, %d, %v; want 4, 0 and a read timeout", written, n, err)
		}
		b := make([]byte, 4)
		if _, err := io.ReadFull(peer, b); err != nil || string(b) != "ping" {
			t.Fatalf("peer read %q, %v; want the request", b, err)
		}
	})
	t.Run("a read deadline already past sends nothing", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = c.SetReadDeadline(time.Unix(1, 0))
		written, n, _, err := s.WriteRead([]byte("ping"), make([]byte, 8), false)
		if written != 0 || n != 0 || err != nil {
			t.Fatalf("WriteRead = %d, %d, %v; want 0, 0, nil: the caller writes and reads itself", written, n, err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if n, err := peer.Read(make([]byte, 4)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("peer read %d bytes, %v; want nothing sent", n, err)
		}
	})
	t.Run("a full socket leaves the rest to the caller", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		big := bytes.Repeat([]byte("x"), 64<<20) // more than both sockets' buffers
		written, n, _, err := s.WriteRead(big, make([]byte, 8), false)
		if written == 0 || written >= len(big) || n != 0 || err != nil {
			t.Fatalf("WriteRead = %d, %d, %v; want part of it written, 0, nil", written, n, err)
		}
		drained := make(chan error, 1)
		go func() {
			_, err := io.CopyN(io.Discard, peer, int64(len(big)))
			drained <- err
		}()
		if _, err := s.Write(big[written:]); err != nil {
			t.Fatal(err)
		}
		if err := <-drained; err != nil {
			t.Fatalf("peer got %v; want the whole request, in order", err)
		}
	})
	t.Run("a closed connection", func(t *testing.T) {
		c, _ := testkit.TCPPair(t)
		s := newSocket(t, c)
		c.Close()
		written, _, _, err := s.WriteRead([]byte("ping"), make([]byte, 8), false)
		var oe *net.OpError
		if written != 0 || !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != "write" {
			t.Fatalf("WriteRead = %d, %v; want 0 and a write error for the closed connection", written, err)
		}
	})
	t.Run("closed while waiting for the answer", func(t *testing.T) {
		c, _ := testkit.TCPPair(t)
		s := newSocket(t, c)
		time.AfterFunc(50*time.Millisecond, func() { c.Close() })
		written, n, _, err := s.WriteRead([]byte("ping"), make([]byte, 8), false)
		if written != 4 || n != 0 || !errors.Is(err, net.ErrClosed) {
			t.Fatalf("WriteRead = %d, %d, %v; want 4, 0 and the closed connection", written, n, err)
		}
	})
}

func TestWriteReadAllocatesNothing(t *testing.T) {
	c, peer := testkit.TCPPair(t)
	s := newSocket(t, c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	done := answer(t, peer, "pong", 101) // AllocsPerRun runs the function once more to warm up
	buf, ping := make([]byte, 8), []byte("ping")
	allocs := testing.AllocsPerRun(100, func() {
		_, _, _, _ = s.WriteRead(ping, buf, false)
	})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Fatalf("WriteRead allocates %.1f times; want 0", allocs)
	}
}

// TestWriteReadFirst: with readFirst the read right after the write is made and says what it
// found; without, none is made.
func TestWriteReadFirst(t *testing.T) {
	t.Run("the answer is there already", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		// Sent before the request so that the read right after the write must find it.
		if _, err := peer.Write([]byte("pong")); err != nil {
			t.Fatal(err)
		}
		waitReadable(t, c)
		buf := make([]byte, 8)
		written, n, first, err := s.WriteRead([]byte("ping"), buf, true)
		if written != 4 || string(buf[:n]) != "pong" || first != FirstFound || err != nil {
			t.Fatalf("WriteRead = %d, %q, %v, %v; want 4, pong, FirstFound, nil", written, buf[:n], first, err)
		}
	})
	t.Run("nothing yet", func(t *testing.T) {
		c, _ := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, n, first, err := s.WriteRead([]byte("ping"), make([]byte, 8), true)
		if n != 0 || first != FirstEmpty || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("WriteRead = %d, %v, %v; want 0, FirstEmpty and the deadline", n, first, err)
		}
	})
	t.Run("not tried", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		done := answer(t, peer, "pong", 1)
		buf := make([]byte, 8)
		_, n, first, err := s.WriteRead([]byte("ping"), buf, false)
		if string(buf[:n]) != "pong" || first != FirstNotTried || err != nil {
			t.Fatalf("WriteRead = %q, %v, %v; want pong, FirstNotTried, nil", buf[:n], first, err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// waitReadable returns once c has bytes to read, without reading them.
func waitReadable(t *testing.T, c *net.TCPConn) {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		n := 0
		_ = raw.Control(func(fd uintptr) {
			n, _, _ = syscall.Recvfrom(int(fd), make([]byte, 1), syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		})
		if n > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no bytes arrived within 5 s")
}
