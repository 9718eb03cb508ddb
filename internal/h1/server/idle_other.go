//go:build !unix

package server

import (
	"net"
	"syscall"
)

// rawConnOf: without unix's non-blocking read every connection keeps its buffer.
func rawConnOf(net.Conn) syscall.RawConn { return nil }

// fillIdle is never called: buf is nil only on a connection with a raw socket.
func (b *readBuffer) fillIdle() (int, error) {
	b.buf = make([]byte, initialBuffer)
	return b.fill()
}
