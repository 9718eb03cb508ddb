package runtimeapi

import (
	"net"
	"net/netip"
	"time"
)

// peerGuard is the Runtime API's listener when Config.AllowPeer is set: every accepted
// connection is checked before the server reads a byte from it, so a process outside the
// environment can neither take an invocation (GET /next) nor post a result, even knowing the
// address from /proc/<pid>/environ or a port scan.
type peerGuard struct {
	net.Listener
	allow   func(client, server netip.AddrPort) bool
	refused func(client netip.AddrPort)
}

func (g *peerGuard) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client, server := addrPort(c.RemoteAddr()), addrPort(c.LocalAddr())
		if g.allow(client, server) {
			return c, nil
		}
		if g.refused != nil {
			g.refused(client)
		}
		go refuse(c)
	}
}

// refusedResponse tells a refused client why, in the Runtime API's error shape, then closes.
const refusedResponse = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 99\r\n\r\n" +
	`{"errorMessage":"Not a process of this execution environment.","errorType":"AccessDeniedException"}`

func refuse(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Second))
	// Wait for the request to begin, so that an HTTP client reads the answer as the response to
	// it; what it says is never looked at.
	var discard [4096]byte
	_, _ = c.Read(discard[:])
	_, _ = c.Write([]byte(refusedResponse))
	_ = c.Close()
}

func addrPort(a net.Addr) netip.AddrPort {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.AddrPort()
	}
	return netip.AddrPort{}
}
