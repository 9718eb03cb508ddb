// Package sock reads and writes the data path's sockets with plain non-blocking system calls made
// inside the runtime poller's callbacks (syscall.RawConn), instead of through net.Conn.
//
// Why: net.Conn enters each read and write the runtime's way (entersyscall), which lets the
// runtime's monitor thread (sysmon) take the processor away from a call still running at its
// next 20 µs tick and hand it to another thread. On loopback a write runs the receiving socket's
// TCP path inside the same call and often lasts that long, so at GOMAXPROCS=1 a proxy under load
// kept sysmon ticking every 20 µs and a second thread waking for each hand-off: half of the
// proxy's context switches per request at c = 50 (bench/RESULTS.md, "The proxy path at c = 50").
// A call on a non-blocking socket never blocks, so making it without entersyscall is safe: at
// worst this processor's other goroutines wait for the microseconds the call takes. Waiting for
// readiness, deadlines and Close stay the poller's, exactly as for net.Conn.
//
// Errors read as net.Conn's do (*net.OpError with Op "read" or "write" around the errno, io.EOF
// at the end of the stream, os.ErrDeadlineExceeded and net.ErrClosed through the OpError), so
// callers map them unchanged.
package sock

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Socket is one connection's socket. Its Read and Write may run concurrently with each other;
// concurrent Reads (or Writes) are serialised, as net.Conn's are.
type Socket struct {
	nc  net.Conn // for the addresses in errors
	raw syscall.RawConn

	rmu    sync.Mutex
	rp     []byte
	rn     int
	rerr   error
	readFn func(fd uintptr) bool

	wmu     sync.Mutex
	wp      []byte
	wn      int
	werr    error
	writeFn func(fd uintptr) bool
	// wdeadline, during a WriteWithin, gives the deadline to set once the socket is full;
	// wset says it was set.
	wdeadline func() time.Time
	wset      bool

	// sent says the write of a WriteRead went out whole; readFirst that the read is tried at
	// once after it, and first what that read found; writeReadFn is its callback.
	sent        bool
	readFirst   bool
	first       First
	writeReadFn func(fd uintptr) bool
}

// First is what WriteRead's read right after the write found, when it made one.
type First uint8

const (
	FirstNotTried First = iota // no read was tried at once (readFirst false, or the write did not finish)
	FirstFound                 // the answer (or its end) was there already
	FirstEmpty                 // nothing yet: the read found nothing and the poller waited
)

// New returns nc's socket, or nil when nc has none the poller waits on for us (TLS, pipes, a
// wrapper that does not expose SyscallConn) or the platform lacks the raw calls: the caller then
// keeps using nc.
func New(nc net.Conn) *Socket {
	if !supported {
		return nil
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil || raw == nil {
		return nil
	}
	s := &Socket{nc: nc, raw: raw}
	s.readFn = s.readReady
	s.writeFn = s.writeReady
	s.writeReadFn = s.writeReadReady
	return s
}

// Read reads into p once bytes are there, as net.Conn's Read.
func (s *Socket) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.rmu.Lock()
	defer s.rmu.Unlock()
	s.rp, s.rn, s.rerr = p, 0, nil
	err := s.raw.Read(s.readFn)
	n, rerr := s.rn, s.rerr
	s.rp, s.rerr = nil, nil
	if err != nil {
		return 0, s.opError("read", err)
	}
	return n, rerr
}

func (s *Socket) readReady(fd uintptr) bool {
	for {
		n, errno := read(fd, s.rp)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return false
		case errno != 0:
			s.rerr = s.opError("read", syscallError("read", errno))
		case n == 0:
			s.rerr = eof
		default:
			s.rn = n
		}
		return true
	}
}

// Write writes all of p, waiting for room as needed, as net.Conn's Write.
func (s *Socket) Write(p []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.wp, s.wn, s.werr = p, 0, nil
	err := s.raw.Write(s.writeFn)
	n, werr := s.wn, s.werr
	s.wp, s.werr = nil, nil
	if err != nil {
		return n, s.opError("write", err)
	}
	return n, werr
}

// WriteWithin writes all of p as Write does, failing with a timeout if the socket stays full
// until deadline(). The deadline is only set when the socket is full (the poller is about to
// wait) and cleared when the write ends: a write the kernel takes at once, on a data path almost
// every one, moves no runtime timer. The connection's write deadline must otherwise be zero
// (WriteWithin owns it); one left in the past by another writer is replaced, not obeyed.
func (s *Socket) WriteWithin(p []byte, deadline func() time.Time) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.wp, s.wn, s.werr, s.wdeadline, s.wset = p, 0, nil, deadline, false
	err := s.raw.Write(s.writeFn)
	if err != nil && !s.wset && errors.Is(err, os.ErrDeadlineExceeded) {
		// A deadline set by someone else before this write and now past: this write has its
		// own, from now.
		_ = s.nc.SetWriteDeadline(deadline())
		s.wset = true
		err = s.raw.Write(s.writeFn)
	}
	if s.wset {
		_ = s.nc.SetWriteDeadline(time.Time{})
	}
	n, werr := s.wn, s.werr
	s.wp, s.werr, s.wdeadline, s.wset = nil, nil, nil, false
	if err != nil {
		return n, s.opError("write", err)
	}
	return n, werr
}

func (s *Socket) writeReady(fd uintptr) bool {
	if !s.writeRest(fd) {
		return true // written, or failed (werr)
	}
	if s.wdeadline != nil && !s.wset {
		// The poller waits next: from now on the write has its deadline. Setting it takes the
		// descriptor's reference count, not the write lock held here.
		_ = s.nc.SetWriteDeadline(s.wdeadline())
		s.wset = true
	}
	return false
}

// writeRest writes what is left of wp. It reports whether the socket filled before the end
// (EAGAIN); a write that fails ends it with werr set.
func (s *Socket) writeRest(fd uintptr) (full bool) {
	for s.wn < len(s.wp) {
		n, errno := write(fd, s.wp[s.wn:])
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return true
		case errno != 0:
			s.werr = s.opError("write", syscallError("write", errno))
			return false
		}
		s.wn += n
	}
	return false
}

// WriteRead writes out and then reads into in once bytes are there, for a request whose answer
// is all the peer may send next (a request to a target). The write is made inside the read's
// wait, and unless readFirst, the read is made only once the poller saw bytes arrive: the read
// right after the write, which finds nothing when the peer has not answered yet (EAGAIN, then
// the poller's wait), is not made. That is safe only because the poller forgets, as the read
// begins, what arrived before, and nothing of the answer can arrive before the request is out.
// With readFirst the read is tried at once, which is cheaper when the peer tends to answer
// before this goroutine reads (a peer on the same CPU that the write lets run): first says what
// that read found, so that the caller can choose.
//
// It returns how much of out went out and, when all of it did, the read's count and error as
// Read's. When less did, err is the write's error, or nil when the socket was full or a read
// deadline had already passed: the caller finishes with Write and Read.
func (s *Socket) WriteRead(out, in []byte, readFirst bool) (written, n int, first First, err error) {
	if len(out) == 0 || len(in) == 0 {
		return 0, 0, FirstNotTried, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.rmu.Lock()
	defer s.rmu.Unlock()
	s.wp, s.wn, s.werr, s.sent, s.readFirst, s.first = out, 0, nil, false, readFirst, FirstNotTried
	s.rp, s.rn, s.rerr = in, 0, nil
	rawErr := s.raw.Read(s.writeReadFn)
	written, n, sent, first, werr, rerr := s.wn, s.rn, s.sent, s.first, s.werr, s.rerr
	s.wp, s.werr, s.rp, s.rerr, s.sent = nil, nil, nil, nil, false
	switch {
	case werr != nil:
		return written, 0, first, werr
	case !sent && rawErr != nil && !errors.Is(rawErr, os.ErrDeadlineExceeded):
		return written, 0, first, s.opError("write", rawErr) // closed before anything went out
	case !sent:
		return written, 0, first, nil
	case rawErr != nil:
		return written, 0, first, s.opError("read", rawErr)
	}
	return written, n, first, rerr
}

// writeReadReady writes the whole request first; then it reads at once (readFirst) or only once
// the poller has seen bytes arrive since the read began.
func (s *Socket) writeReadReady(fd uintptr) bool {
	if s.sent {
		return s.readReady(fd)
	}
	if s.writeRest(fd) || s.werr != nil {
		return true // full: the rest waits for room as any write does (Write); or failed
	}
	s.sent = true
	if !s.readFirst {
		return false
	}
	if s.readReady(fd) {
		s.first = FirstFound
		return true
	}
	s.first = FirstEmpty
	return false
}

// opError wraps err as net.Conn would; a poller error (a deadline, a closed connection) comes
// from RawConn as an OpError of its own ("raw-read"), whose cause is kept.
func (s *Socket) opError(op string, err error) error {
	if oe, ok := errors.AsType[*net.OpError](err); ok {
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: s.nc.LocalAddr(), Addr: s.nc.RemoteAddr(), Err: err}
}

var eof = io.EOF

func syscallError(name string, errno syscall.Errno) error { return os.NewSyscallError(name, errno) }
