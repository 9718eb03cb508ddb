//go:build linux

package process

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"testing"
)

// TestProcNetAddr: addresses are written as /proc/net/tcp writes them (the four address bytes as
// a native-endian number, then the port), IPv4-mapped ones included.
func TestProcNetAddr(t *testing.T) {
	t.Parallel()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the expectations are written for a little-endian host")
	}
	testCases := []struct {
		in, want string
	}{
		{"127.0.0.1:8080", "0100007F:1F90"},
		{"127.0.0.2:1", "0200007F:0001"},
		{"10.1.2.3:65535", "0302010A:FFFF"},
	}
	for _, tc := range testCases {
		if got := procNetAddr(netip.MustParseAddrPort(tc.in)); got != tc.want {
			t.Errorf("procNetAddr(%s) = %s; want %s (little-endian host)", tc.in, got, tc.want)
		}
	}
}

// TestOwnsPeer: a connection opened by the process is its own; one opened by another process
// (here the test itself, which knows the address as any local process could) is not.
func TestOwnsPeer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := newCollector()
	p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=connect", "ADDR=" + ln.Addr().String()}, Output: c.output})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	own, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	foreignClient, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer foreignClient.Close()
	foreign, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer foreign.Close()
	ends := func(c net.Conn) (netip.AddrPort, netip.AddrPort) {
		return c.RemoteAddr().(*net.TCPAddr).AddrPort(), c.LocalAddr().(*net.TCPAddr).AddrPort()
	}
	if !p.OwnsPeer(ends(own)) {
		t.Error("the process's own connection was not recognised")
	}
	if p.OwnsPeer(ends(foreign)) {
		t.Error("another process's connection was taken for the process's own")
	}
}
