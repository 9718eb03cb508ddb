package listener

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// TestCountedConnExposesTheSocket: the HTTP/1 loop waits for a request without a read buffer
// only on a syscall.Conn (internal/h1/server); an admitted plain connection must stay one.
func TestCountedConnExposesTheSocket(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	var tcp net.Conn = &countedConn{Conn: client, release: func() {}}
	if raw, err := tcp.(syscall.Conn).SyscallConn(); err != nil || raw == nil {
		t.Fatalf("TCP: %v, %v; want its socket", raw, err)
	}
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()
	var pipe net.Conn = &countedConn{Conn: p1, release: func() {}}
	if _, err := pipe.(syscall.Conn).SyscallConn(); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("pipe: %v; want errors.ErrUnsupported", err)
	}
}
