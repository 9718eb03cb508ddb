//go:build unix

package process

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// outputPipe is the parent's read end of one output pipe. It lets Flush prove, without a
// marker round trip, that everything written into the pipe before Flush has been delivered.
//
// The proof needs two facts read at one instant: the pipe holds no unread byte (FIONREAD) and
// the reader holds no byte it has read but not yet delivered (settled). A blocking read(2)
// would leave a gap: it can take bytes out of the pipe in the kernel before the reader
// goroutine records that it has them. So the reader does non-blocking reads through the
// runtime poller and takes mu around each read(2) and its bookkeeping; Flush takes mu around
// its look. Under mu, a byte written before the look is either still in the pipe or was taken
// by a read that finished before the look and cleared settled; settled is set again only by
// the reader after it has delivered everything it read (its buffer is empty).
type outputPipe struct {
	file *os.File
	rc   syscall.RawConn // nil when the read end is not non-blocking: Flush then always uses markers

	mu      sync.Mutex
	settled atomic.Bool // cleared under mu by a read that returns bytes; set by the reader alone

	// probe asks the kernel for the unread bytes into unread, unreadErr (under mu, by drained).
	// It is made once: a closure made per call would cost allocations on every Flush.
	probe     func(fd uintptr)
	unread    int
	unreadErr error
}

func newOutputPipe(r *os.File) *outputPipe {
	p := &outputPipe{file: r}
	p.settled.Store(true)
	p.probe = func(fd uintptr) { p.unread, p.unreadErr = unreadBytes(fd) }
	rc, err := r.SyscallConn()
	if err != nil {
		return p
	}
	nonblocking := false
	if err := rc.Control(func(fd uintptr) {
		flags, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		nonblocking = err == nil && flags&unix.O_NONBLOCK != 0
	}); err == nil && nonblocking {
		// A blocking read under mu would hold Flush up for as long as the process is silent.
		p.rc = rc
	}
	return p
}

// Read reads into b; with rc, the read(2) and the clearing of settled happen under mu, and
// waiting for data happens outside it.
func (p *outputPipe) Read(b []byte) (int, error) {
	if p.rc == nil {
		return p.file.Read(b)
	}
	if len(b) == 0 {
		return 0, nil
	}
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		for {
			n, rerr = syscall.Read(int(fd), b)
			if rerr != syscall.EINTR {
				break
			}
		}
		if n > 0 {
			p.settled.Store(false)
		}
		return rerr != syscall.EAGAIN
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, &os.PathError{Op: "read", Path: p.file.Name(), Err: rerr}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// settle records that the reader has delivered everything it read. Only the reader calls it,
// between its reads.
func (p *outputPipe) settle() { p.settled.Store(true) }

// drained reports whether everything written into the pipe so far has been delivered: see the
// type's comment for why a true answer is exact. False may be wrong only in the safe direction.
func (p *outputPipe) drained() bool {
	if p.rc == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.settled.Load() {
		return false
	}
	p.unread, p.unreadErr = -1, nil
	err := p.rc.Control(p.probe)
	return err == nil && p.unreadErr == nil && p.unread == 0
}
