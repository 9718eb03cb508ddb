package lambdatarget

import "unicode/utf8"

// The event encoder writes JSON by hand in AWS's field order (§5.2) instead of marshalling a
// struct: one pass, no reflection, no map iteration, and no HTML escaping (encoding/json turns
// '<' into \u003c, which the ALB does not do).

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. It reports false, leaving dst unspecified, when s is
// not valid UTF-8: the ALB refuses such requests (LAM-13) rather than sending replacement
// characters to the function.
func appendString(dst []byte, s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return dst, false
	}
	return appendEscaped(dst, s), true
}

// appendBytes is appendString for a body, without copying it into a string first.
func appendBytes(dst []byte, b []byte) ([]byte, bool) {
	if !utf8.Valid(b) {
		return dst, false
	}
	return appendEscaped(dst, b), true
}

// appendEscaped appends valid UTF-8 text as a JSON string, escaping only what JSON requires.
func appendEscaped[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendLowerString appends s lowercased (ASCII only, as HTTP header names are) as a JSON string.
func appendLowerString(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return appendLowerSlow(dst, s)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"'), true
}

func appendLowerSlow(dst []byte, s string) ([]byte, bool) {
	lower := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return appendString(dst, string(lower))
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// lowerCompare orders header names as their lowercase forms would sort, without allocating.
func lowerCompare(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
