//go:build unix

package server

import (
	"io"
	"net"
	"os"
	"syscall"

	"github.com/albatross-lb/albatross/internal/h1/sock"
)

// rawConnOf is nc's socket when the runtime poller can wait on it for us: plain TCP (and
// wrappers that expose SyscallConn). TLS connections are not: bytes on the socket need not
// make a readable record.
func rawConnOf(nc net.Conn) syscall.RawConn {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// fillIdle reads the first bytes of a head into a buffer taken from the pool only when they
// are there. raw.Read runs readReady until it reports done, waiting for readability in the
// runtime poller between tries and honouring the read deadline (the idle timeout), just as a
// blocking Read does. readReady reads itself rather than peeking, so a request costs no
// system call more than with a buffer held: read, EAGAIN, wait, read.
func (b *readBuffer) fillIdle() (int, error) {
	if b.readReady == nil {
		b.readReady = b.readNow
	}
	if b.onIdleWait != nil {
		b.onIdleWait(b)
	}
	b.rawN, b.rawErr = 0, nil
	if err := b.raw.Read(b.readReady); err != nil {
		return 0, err // the deadline passed or the connection was closed
	}
	n, err := b.rawN, b.rawErr
	b.rawErr = nil
	b.w = n
	return n, err
}

// readNow is one non-blocking read into a pooled buffer: nothing there (EAGAIN) gives the
// buffer back and lets the poller wait; bytes, the end of the stream or an error end the wait.
func (b *readBuffer) readNow(fd uintptr) bool {
	if b.buf == nil {
		b.buf = takeBuffer()
	}
	for {
		n, err := sock.Read(fd, b.buf)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			b.releaseBuffer()
			return false
		case err != 0:
			b.rawN, b.rawErr = 0, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}
		case n == 0:
			b.rawN, b.rawErr = 0, io.EOF
		default:
			b.rawN = n
			raceWritten(b.buf[:n])
		}
		return true
	}
}
