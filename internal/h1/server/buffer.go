package server

import (
	"net"
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
type readBuffer struct {
	nc    net.Conn
	buf   []byte
	r, w  int
	floor int
}

func (b *readBuffer) buffered() int { return b.w - b.r }

// fill reads once from the connection into the free space, making room first: the consumed
// bytes above the floor are reclaimed, and the buffer grows (up to maxBuffer) when it is full of
// unconsumed bytes. It reports false when there is no room at all.
func (b *readBuffer) fill() (int, error) {
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
	n, err := b.nc.Read(b.buf[b.w:])
	b.w += n
	return n, err
}

// read copies buffered bytes to p, or, with nothing buffered, reads the connection straight
// into p: a large body passes without a copy and is never read beyond what p asks.
func (b *readBuffer) read(p []byte) (int, error) {
	if b.r < b.w {
		n := copy(p, b.buf[b.r:b.w])
		b.r += n
		return n, nil
	}
	return b.nc.Read(p)
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
// and unconsumed bytes (a pipelined request) move to the front. A buffer grown for a large head
// shrinks back when nothing is pending.
func (b *readBuffer) startHead() {
	b.floor = 0
	if b.r == b.w {
		b.r, b.w = 0, 0
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
