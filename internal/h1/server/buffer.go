package server

import (
	"net"
	"sync"
	"syscall"

	"github.com/albatross-lb/albatross/internal/h1/sock"
)

// Read buffer sizes: most heads fit the initial size; a larger head grows the buffer up to what
// LIM-01 allows, and an idle connection gives a grown buffer back.
const (
	initialBuffer = 4 << 10
	// maxBuffer holds the largest head LIM-01 admits (request line, header block, empty lines
	// and terminators) with room to spare.
	maxBuffer = 96 << 10
)

// readBuffer is a connection's input: buf[r:w] is received and not yet consumed. While a request
// is served its head stays in buf[:floor], untouched, because wire.Head and the handler's
// wire.Received point into it; body and watch reads only use the space after it.
//
// A connection whose socket the runtime poller can wait on for us (raw: plain TCP on unix)
// holds no buffer while it waits for a head with nothing buffered: buf is nil then, and the
// next bytes are read into a pooled buffer only once they are there (idle_unix.go). An idle
// keep-alive connection is then only its goroutine (issue 14: ≤ 16 KiB each). Other
// connections (TLS, pipes) keep their buffer for their whole life.
type readBuffer struct {
	nc    net.Conn
	buf   []byte
	r, w  int
	floor int

	raw syscall.RawConn // nil: the buffer is never given back
	// sock reads raw sockets without the runtime's system-call hand-off (internal/h1/sock);
	// nil for the others, read through nc.
	sock *sock.Socket
	// readReady is raw.Read's callback, made once (a method value allocates); rawN and rawErr
	// are what it read.
	readReady func(fd uintptr) bool
	rawN      int
	rawErr    error
	// onIdleWait, when set (tests), runs as the connection starts waiting without a buffer.
	onIdleWait func(*readBuffer)
}

// idleBuffers are the read buffers of connections that are reading a head or serving a
// request. Only buffers of initialBuffer bytes return: a grown one is left to the collector.
var idleBuffers = sync.Pool{New: func() any { return new([initialBuffer]byte) }}

func takeBuffer() []byte { return idleBuffers.Get().(*[initialBuffer]byte)[:] }

// releaseBuffer gives the buffer back; only startHead calls it, between requests, when no body
// reader may touch it any more (the body is closed before the loop reads the next head).
func (b *readBuffer) releaseBuffer() {
	if cap(b.buf) == initialBuffer {
		idleBuffers.Put((*[initialBuffer]byte)(b.buf[:initialBuffer]))
	}
	b.buf = nil
}

func (b *readBuffer) buffered() int { return b.w - b.r }

// fill reads once from the connection into the free space, making room first: the consumed
// bytes above the floor are reclaimed, and the buffer grows (up to maxBuffer) when it is full of
// unconsumed bytes. It reports false when there is no room at all.
func (b *readBuffer) fill() (int, error) {
	if b.buf == nil {
		return b.fillIdle()
	}
	if b.r == b.w {
		b.r, b.w = b.floor, b.floor
	}
	if b.w == len(b.buf) {
		if b.r > b.floor {
			b.w = copy(b.buf[b.floor:], b.buf[b.r:b.w]) + b.floor
			b.r = b.floor
		} else if len(b.buf) < maxBuffer {
			grown := make([]byte, min(2*len(b.buf), maxBuffer))
			copy(grown, b.buf[:b.w])
			b.buf = grown
		} else {
			return 0, errBufferFull
		}
	}
	n, err := b.readConn(b.buf[b.w:])
	b.w += n
	return n, err
}

// readConn is one read from the connection.
func (b *readBuffer) readConn(p []byte) (int, error) {
	if b.sock != nil {
		n, err := b.sock.Read(p)
		raceWritten(p[:n]) // the buffer's owners (watch.go) are checked under -race too
		return n, err
	}
	return b.nc.Read(p)
}

// read copies buffered bytes to p, or, with nothing buffered, reads the connection straight
// into p: a large body passes without a copy and is never read beyond what p asks.
func (b *readBuffer) read(p []byte) (int, error) {
	if b.r < b.w {
		n := copy(p, b.buf[b.r:b.w])
		b.r += n
		return n, nil
	}
	return b.readConn(p)
}

// readByte returns the next byte, filling when needed.
func (b *readBuffer) readByte() (byte, error) {
	for b.r == b.w {
		if _, err := b.fill(); err != nil && b.r == b.w {
			return 0, err
		}
	}
	c := b.buf[b.r]
	b.r++
	return c, nil
}

// startHead makes the buffer ready for the next head: the previous request's head is released,
// and unconsumed bytes (a pipelined request) move to the front. When nothing is pending the
// buffer goes back to the pool (raw connections) or, grown for a large head, shrinks back.
func (b *readBuffer) startHead() {
	b.floor = 0
	if b.r == b.w {
		b.r, b.w = 0, 0
		if b.raw != nil {
			if b.buf != nil {
				b.releaseBuffer()
			}
			return
		}
		if len(b.buf) > initialBuffer {
			b.buf = make([]byte, initialBuffer)
		}
		return
	}
	if b.r > 0 {
		b.w = copy(b.buf, b.buf[b.r:b.w])
		b.r = 0
	}
}
