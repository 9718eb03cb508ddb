package forwarded

import (
	"net/netip"
	"strconv"
	"strings"
)

// MaxForwardedFor is the most addresses an incoming X-Forwarded-For may hold; one more and the
// ALB answers 463 (LIM-03, XFF-03).
const MaxForwardedFor = 30

// ForwardedFor returns the X-Forwarded-For value to send to the target (XFF-01..03). incoming
// holds the request's X-Forwarded-For header lines in order; several lines are merged into one
// list, as RFC 9110 §5.3 defines for list headers (XFF-04). ok=false means the header must be
// absent. addrs counts the incoming addresses in every mode, so the caller answers 463 when
// addrs > MaxForwardedFor whatever the mode (XFF-03). clientPort is
// routing.http.xff_client_port.enabled; it only matters in Append mode (XFF-02). remoteAddr is
// the connection's address as net formats it ("ip:port", or ""): when the request brings no
// X-Forwarded-For, the value is the client's entry alone, and is cut from remoteAddr when it
// starts with the same bytes, instead of being allocated once per request.
func ForwardedFor(incoming []string, client netip.AddrPort, remoteAddr string, mode Mode, clientPort bool) (value string, ok bool, addrs int) {
	list := merge(incoming)
	addrs = countAddrs(list)
	switch mode {
	case Remove:
		return "", false, addrs
	case Preserve:
		return list, len(incoming) > 0, addrs
	}
	var buf [64]byte
	entry := appendClientAddr(buf[:0], client, clientPort)
	if list == "" {
		if len(remoteAddr) >= len(entry) && remoteAddr[:len(entry)] == string(entry) {
			return remoteAddr[:len(entry)], true, addrs
		}
		return string(entry), true, addrs
	}
	var b strings.Builder
	b.Grow(len(list) + 2 + len(entry))
	b.WriteString(list)
	b.WriteString(", ")
	b.Write(entry)
	return b.String(), true, addrs
}

// appendClientAddr appends the client entry: ip, ip:port for IPv4, [ip]:port for IPv6 (XFF-02). An
// IPv4 client seen on a dual-stack socket (::ffff:a.b.c.d) is written as IPv4, as the ALB sees
// IPv4 clients; zones are dropped.
func appendClientAddr(buf []byte, client netip.AddrPort, withPort bool) []byte {
	ip := client.Addr().Unmap().WithZone("")
	if !withPort || !ip.IsValid() {
		return ip.AppendTo(buf)
	}
	if ip.Is6() {
		buf = append(buf, '[')
		buf = ip.AppendTo(buf)
		buf = append(buf, ']')
	} else {
		buf = ip.AppendTo(buf)
	}
	buf = append(buf, ':')
	return strconv.AppendUint(buf, uint64(client.Port()), 10)
}

// merge joins the header lines into one list, skipping empty ones, and replaces any CR, LF or
// NUL by a space so a value can never split a header line.
func merge(lines []string) string {
	var out string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if out == "" {
			out = l
		} else {
			out += ", " + l
		}
	}
	if strings.ContainsAny(out, "\r\n\x00") {
		out = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == 0 {
				return ' '
			}
			return r
		}, out)
	}
	return out
}

// countAddrs counts the non-empty comma-separated entries. Entries are not validated: the ALB
// forwards whatever the client wrote and only limits the count.
func countAddrs(list string) int {
	n := 0
	for list != "" {
		var entry string
		entry, list, _ = strings.Cut(list, ",")
		if strings.TrimSpace(entry) != "" {
			n++
		}
	}
	return n
}
