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

func newSocket(t *testing.T, c net.Conn) *Socket {
	t.Helper()
	s := New(c)
	if s == nil {
		if supported {
			t.Fatal("New returned nil for a TCP connection")
		}
		t.Skip("no raw socket calls on this platform")
	}
	return s
}

func TestNewNeedsASocket(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if New(a) != nil {
		t.Fatal("a pipe has no socket: New must return nil so that callers keep net.Conn")
	}
}

func TestReadAndWrite(t *testing.T) {
	c, peer := testkit.TCPPair(t)
	s := newSocket(t, c)
	if _, err := peer.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, err := s.Read(buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read = %q, %v; want hello", buf[:n], err)
	}
	if n, err := s.Read(nil); n != 0 || err != nil {
		t.Fatalf("empty Read = %d, %v; want 0, nil without waiting", n, err)
	}
	// More than the socket buffers hold: Write must wait for room, as net.Conn's does.
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<17) // 2 MiB
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(peer, int64(len(big))))
		got <- b
	}()
	n, err = s.Write(big)
	if err != nil || n != len(big) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(big))
	}
	if b := <-got; !bytes.Equal(b, big) {
		t.Fatalf("peer read %d bytes, not the ones written", len(b))
	}
}

// The errors callers map (elberr.FromTransport, the client's retry, the loop's timeouts) read
// as net.Conn's.
func TestErrorsReadAsNetConns(t *testing.T) {
	t.Run("end of stream", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		peer.Close()
		if _, err := s.Read(make([]byte, 8)); err != io.EOF {
			t.Fatalf("Read after the peer closed = %v; want io.EOF", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		c, _ := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, err := s.Read(make([]byte, 8))
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("Read past the deadline = %v; want a timeout", err)
		}
		var oe *net.OpError
		if !errors.As(err, &oe) || oe.Op != "read" {
			t.Fatalf("Read past the deadline = %#v; want an OpError with Op read", err)
		}
	})
	t.Run("closed under a waiting read", func(t *testing.T) {
		c, _ := testkit.TCPPair(t)
		s := newSocket(t, c)
		done := make(chan error, 1)
		go func() {
			_, err := s.Read(make([]byte, 8))
			done <- err
		}()
		time.Sleep(10 * time.Millisecond) // let the read wait; the result is the same either way
		c.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Read on a closed connection = %v; want net.ErrClosed", err)
		}
	})
	t.Run("reset", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = peer.SetLinger(0)
		peer.Close() // RST
		var err error
		for range 100 { // the reset may take a moment to arrive; a read before it sees EOF
			if _, err = s.Read(make([]byte, 8)); errors.Is(err, syscall.ECONNRESET) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if !errors.Is(err, syscall.ECONNRESET) && err != io.EOF {
			t.Fatalf("Read after a reset = %v; want ECONNRESET", err)
		}
	})
	t.Run("write to a reset connection", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = peer.SetLinger(0)
		peer.Close()
		var err error
		for range 100 {
			if _, err = s.Write([]byte("x")); err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Fatalf("Write after a reset = %v; want ECONNRESET or EPIPE", err)
		}
		var oe *net.OpError
		if !errors.As(err, &oe) || oe.Op != "write" || oe.Addr == nil {
			t.Fatalf("Write error = %#v; want an OpError with Op write and the address", err)
		}
	})
}

// A read waiting for bytes and a write on the same socket proceed at once (a body sent while
// the response is read; a WebSocket tunnel).
func TestReadWhileWriting(t *testing.T) {
	c, peer := testkit.TCPPair(t)
	s := newSocket(t, c)
	done := make(chan error, 1)
	go func() {
		b := make([]byte, 4)
		_, err := io.ReadFull(s, b)
		if err == nil && string(b) != "pong" {
			err = errors.New("read " + string(b))
		}
		done <- err
	}()
	if _, err := s.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(peer, b); err != nil || string(b) != "ping" {
		t.Fatalf("peer read %q, %v", b, err)
	}
	if _, err := peer.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestReadAllocatesNothing(t *testing.T) {
	c, peer := testkit.TCPPair(t)
	s := newSocket(t, c)
	buf, x := make([]byte, 8), []byte("x")
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = peer.Write(x)
		_, _ = s.Read(buf)
		_, _ = s.Write(buf[:1])
		_, _ = peer.Read(buf)
	})
	if allocs != 0 {
		t.Fatalf("a read and a write allocate %.1f times; want 0", allocs)
	}
}

// TestWriteWithin: the deadline is asked for only when the socket is full, times the write out
// then, and is cleared afterwards; a past deadline left by another writer does not fail it.
func TestWriteWithin(t *testing.T) {
	t.Run("a write the kernel takes at once sets no deadline", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		asked := 0
		n, err := s.WriteWithin([]byte("hello"), func() time.Time { asked++; return time.Now().Add(time.Minute) })
		if n != 5 || err != nil || asked != 0 {
			t.Fatalf("WriteWithin = %d, %v with the deadline asked %d times; want 5, nil, 0", n, err, asked)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "hello" {
			t.Fatalf("peer read %q, %v", buf, err)
		}
	})
	t.Run("a full socket times out, then the deadline is gone", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		asked := 0
		big := make([]byte, 64<<20) // more than both sockets' buffers: the peer reads nothing
		n, err := s.WriteWithin(big, func() time.Time { asked++; return time.Now().Add(50 * time.Millisecond) })
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() || n >= len(big) {
			t.Fatalf("WriteWithin on a full socket = %d, %v; want a timeout before the end", n, err)
		}
		if oe, ok := err.(*net.OpError); !ok || oe.Op != "write" {
			t.Fatalf("WriteWithin's error = %#v; want an OpError with Op write", err)
		}
		if asked != 1 {
			t.Fatalf("the deadline was asked %d times; want once, when the socket filled", asked)
		}
		drained := make(chan error, 1)
		go func() {
			_, err := io.CopyN(io.Discard, peer, int64(n)+1)
			drained <- err
		}()
		// No deadline left behind: a plain write now waits for the reader instead of failing.
		if _, err := s.Write([]byte("x")); err != nil {
			t.Fatalf("Write after the timed-out WriteWithin = %v; want the deadline cleared", err)
		}
		if err := <-drained; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a past deadline set by another writer is replaced", func(t *testing.T) {
		c, peer := testkit.TCPPair(t)
		s := newSocket(t, c)
		_ = c.SetWriteDeadline(time.Unix(1, 0))
		n, err := s.WriteWithin([]byte("hello"), func() time.Time { return time.Now().Add(time.Minute) })
		if n != 5 || err != nil {
			t.Fatalf("WriteWithin after a past deadline = %d, %v; want 5, nil", n, err)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "hello" {
			t.Fatalf("peer read %q, %v", buf, err)
		}
		if _, err := s.Write([]byte("x")); err != nil {
			t.Fatalf("Write afterwards = %v; want no deadline left", err)
		}
	})
}
