package server

import (
	"net/url"
	"strings"
)

// originForm parses the commonest request target, an absolute path of characters that need no
// escaping with an optional query ("/api/items?id=7"), into u exactly as url.ParseRequestURI
// would, but into memory the caller provides: the request and its URL are then one allocation.
// It reports false for every other target (escapes, absolute form, "*", control bytes), which
// url.ParseRequestURI parses.
func originForm(target string, u *url.URL) bool {
	if len(target) == 0 || target[0] != '/' {
		return false
	}
	path, query, hasQuery := strings.Cut(target, "?")
	for i := range len(path) {
		if !plainPathByte(path[i]) {
			return false
		}
	}
	for i := range len(query) {
		if c := query[i]; c < ' ' || c == 0x7f {
			return false // ParseRequestURI refuses control bytes anywhere
		}
	}
	// As ParseRequestURI: a lone "?" at the end forces an empty query; Path is the target's
	// path as it is, and RawPath stays empty, since escaping Path gives it back unchanged.
	*u = url.URL{Path: path, RawQuery: query, ForceQuery: hasQuery && query == ""}
	return true
}

// plainPathByte reports whether c stands for itself in a path: the bytes url.URL's escaping
// of a path leaves alone (RFC 3986 section 2.3's unreserved characters, and the reserved ones
// a path may carry but "?").
func plainPathByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '~', '$', '&', '+', ',', '/', ':', ';', '=', '@':
		return true
	}
	return false
}
