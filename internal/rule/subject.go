package rule

import (
	"net/http"
	"strings"
)

// This file extracts what conditions look at from a request, in place: substrings of what the
// client sent, or bytes decoded into a caller's buffer. See docs/rules.md for the decisions.

// decodeBufSize is the stack buffer used when a subject needs percent-decoding. Longer subjects
// still work; they cost one allocation.
const decodeBufSize = 256

// HostName returns the host that host-header conditions see (CND-HOST): the request's host (the
// first Host header, HTTP/2 :authority, or the host of an absolute-form target, as net/http sets
// r.Host) with any port and one trailing dot removed. Host values cannot contain `:`, so keeping
// the port would make host routing impossible on listeners other than 80/443 (§12.10); the
// trailing dot of a fully qualified name is dropped so `admin.example.com.` cannot slip past a
// rule for `admin.example.com`. Bracketed IPv6 literals keep their brackets (`[::1]`).
func HostName(host string) string {
	if strings.HasPrefix(host, "[") {
		if end := strings.IndexByte(host, ']'); end >= 0 {
			return host[:end+1]
		}
		return host
	}
	if colon := strings.IndexByte(host, ':'); colon >= 0 && strings.IndexByte(host[colon+1:], ':') < 0 {
		host = host[:colon]
	}
	return strings.TrimSuffix(host, ".")
}

// RequestPath returns the path of r's request target exactly as the client sent it: still
// percent-encoded, without the query string (T25) or fragment. This is the path the ALB puts in a
// Lambda event (§5.2, §12.7), so the Lambda target should use it too. It does not allocate for
// requests read by net/http's server; for requests built in code (empty RequestURI) it falls back
// to r.URL.EscapedPath.
func RequestPath(r *http.Request) string {
	target := r.RequestURI
	if target == "" {
		return r.URL.EscapedPath()
	}
	if end := strings.IndexAny(target, "?#"); end >= 0 {
		target = target[:end]
	}
	if strings.HasPrefix(target, "/") || target == "*" {
		return target
	}
	// Absolute form (`http://host/a/b`): the path starts at the first slash after the authority.
	if scheme := strings.Index(target, "://"); scheme >= 0 {
		rest := target[scheme+3:]
		if slash := strings.IndexByte(rest, '/'); slash >= 0 {
			return rest[slash:]
		}
		return "/"
	}
	return target
}

// requestQuery returns the raw query of r (after the first `?`, up to `#`), not decoded.
func requestQuery(r *http.Request) string {
	q := r.URL.RawQuery
	if end := strings.IndexByte(q, '#'); end >= 0 {
		q = q[:end]
	}
	return q
}

// nextPair splits the first non-empty pair off a raw query string. Only `&` separates pairs
// (§12.8: `;` is an ordinary character, as in Go's net/url and the WHATWG URL standard); a pair
// without `=` is a key with an empty value. ok is false when no pair is left.
func nextPair(q string) (key, value, rest string, ok bool) {
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if pair == "" {
			continue
		}
		key, value, _ = strings.Cut(pair, "=")
		return key, value, q, true
	}
	return "", "", "", false
}

// appendUnescaped appends s to dst with percent-escapes decoded. With unreservedOnly, only escapes
// of RFC 3986 unreserved characters (letters, digits, `-._~`) are decoded — an equivalent spelling
// of the same URI — and all others are kept as sent. Malformed escapes are kept literally; `+` is
// never turned into a space (RFC 3986 gives it no meaning, and the ALB leaves it alone, LAM-11).
func appendUnescaped(dst []byte, s string, unreservedOnly bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			hi, okHi := unhex(s[i+1])
			lo, okLo := unhex(s[i+2])
			if d := hi<<4 | lo; okHi && okLo && (!unreservedOnly || isUnreserved(d)) {
				dst = append(dst, d)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// unhex decodes one hexadecimal digit.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isUnreserved reports whether c is an RFC 3986 unreserved character.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
