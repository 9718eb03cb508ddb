package forwarded

import (
	"net"
	"strconv"
	"strings"
)

// Host returns the Host header to forward (HOST-01). host is the client's Host header,
// absoluteHost the host of an absolute-form request target ("" for the usual origin form), and
// preserve is routing.http.preserve_host_header.enabled. Without preserve:
//   - an absolute-form target's host wins over the Host header;
//   - the name is lowercased;
//   - on listeners 80 and 443 any port is removed ("example.com:80" → "example.com");
//   - on other listeners ":<listenerPort>" is appended when no port is present (T33);
//   - an empty Host (HTTP/1.0) stays empty.
//
// Lambda events get the same value (§12 item 11): both target kinds see one Host.
func Host(host string, listenerPort int, absoluteHost string, preserve bool) string {
	if preserve {
		return host
	}
	if absoluteHost != "" {
		host = absoluteHost
	}
	if host == "" {
		return ""
	}
	host = lower(host)
	name, port, hasPort := splitHostPort(host)
	switch {
	case listenerPort == 80 || listenerPort == 443:
		if hasPort {
			return name
		}
		return host
	case hasPort && port != "":
		return host
	default:
		b := make([]byte, 0, len(name)+6)
		b = strconv.AppendInt(append(append(b, name...), ':'), int64(listenerPort), 10)
		return string(b)
	}
}

// splitHostPort splits "name:port", "[v6]:port", "[v6]" or "name"; hasPort is true when a colon
// separator is present (possibly with an empty port, "example.com:", which is then replaced).
// A bare IPv6 literal without brackets is not a valid Host and is treated as a name.
func splitHostPort(host string) (name, port string, hasPort bool) {
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return host, "", false
		}
		if rest := host[end+1:]; strings.HasPrefix(rest, ":") {
			return host[:end+1], rest[1:], true
		}
		return host, "", false
	}
	if strings.Count(host, ":") != 1 {
		return host, "", false
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		i := strings.LastIndexByte(host, ':')
		return host[:i], host[i+1:], true
	}
	return name, port, true
}

// lower lowercases ASCII letters only (host names are ASCII on the wire; IDNs arrive as
// punycode) and does not allocate when there is nothing to change.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
