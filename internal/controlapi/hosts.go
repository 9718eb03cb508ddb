package controlapi

import (
	"net"
	"net/netip"
	"strings"
)

// HostPolicy says which Host header values name the API. A DNS-rebinding page reaches a
// loopback API under the attacker's own name, so any name not listed here is refused; IP
// literals are safe (a browser that sends one as Host was pointed at that address itself).
type HostPolicy struct {
	// Addr is the address the API is bound to (host:port, as given to --api-addr).
	Addr string
	// Names are further host names the operator allows (--api-allow-host), without port.
	Names []string
}

// Allows reports whether host (a Host header, with or without port) names the API: localhost,
// a loopback address, the bound host, any IP literal when the API is bound to every interface,
// or one of Names.
func (p HostPolicy) Allows(host string) bool {
	name := hostName(host)
	if name == "" {
		return false
	}
	bound := hostName(p.Addr)
	if strings.EqualFold(name, "localhost") || strings.EqualFold(name, bound) {
		return true
	}
	for _, n := range p.Names {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	ip, err := netip.ParseAddr(name)
	if err != nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	boundIP, err := netip.ParseAddr(bound)
	return bound == "" || (err == nil && boundIP.IsUnspecified())
}

// hostName strips the port and the brackets of an IPv6 literal; "" when host is malformed.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return strings.TrimSuffix(h, ".")
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		return host[1 : len(host)-1]
	}
	if strings.ContainsAny(host, ":[]/ ") {
		return ""
	}
	return strings.TrimSuffix(host, ".")
}
