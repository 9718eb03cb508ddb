//go:build linux

package procpool

import (
	"encoding/binary"
	"net/netip"
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
