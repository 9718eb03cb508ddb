package listener

import (
	"net"
	"sync"
)

// connQueue is a net.Listener fed by the accept loop: it hands accepted connections to one
// generation's http.Server. Closing it (on Shutdown) ends that server's Serve without closing the
// shared socket.
type connQueue struct {
	addr    net.Addr
	conns   chan net.Conn
	closeMu sync.Once
	closed  chan struct{}
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// deliver hands c to the server; it reports false, keeping c open, if the queue closed first.
func (q *connQueue) deliver(c net.Conn) bool {
	select {
	case q.conns <- c:
		return true
	case <-q.closed:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.conns:
		return c, nil
	case <-q.closed:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.closeMu.Do(func() { close(q.closed) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }
