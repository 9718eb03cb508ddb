package main

import (
	"net"
	"testing"
)

// TestFirstGlobalIP: a cluster node's log files are named with its own address: the first
// global unicast IPv4 address, else IPv6; loopback and link-local addresses never.
func TestFirstGlobalIP(t *testing.T) {
	t.Parallel()
	ipnet := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	cases := []struct {
		addrs []string
		want  string
	}{
		{[]string{"127.0.0.1/8", "::1/128", "10.0.0.21/24", "192.168.1.5/24"}, "10.0.0.21"},
		{[]string{"127.0.0.1/8", "fe80::1/64", "2001:db8::7/64", "172.16.0.9/16"}, "172.16.0.9"},
		{[]string{"127.0.0.1/8", "fe80::1/64", "2001:db8::7/64"}, "2001:db8::7"},
		{[]string{"127.0.0.1/8", "169.254.1.1/16", "fe80::1/64"}, ""},
		{nil, ""},
	}
	for _, tc := range cases {
		var addrs []net.Addr
		for _, a := range tc.addrs {
			addrs = append(addrs, ipnet(a))
		}
		if got := firstGlobalIP(addrs); got != tc.want {
			t.Errorf("firstGlobalIP(%v) = %q, want %q", tc.addrs, got, tc.want)
		}
	}
	if got := nodeIP(nil, ""); got != "" {
		t.Errorf("a node alone names its files with %q, want the default", got)
	}
}
