package client

import (
	"iter"
	"net/http"
	"strings"
)

// commonKeys interns the canonical names of the fields targets send most, under the spellings
// they come in, so that copying a response head allocates no name strings for them.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Accept-Ranges", "Age", "Cache-Control", "Connection", "Content-Encoding", "Content-Language",
		"Content-Length", "Content-Type", "Date", "Etag", "Expires", "Keep-Alive", "Last-Modified",
		"Location", "Server", "Set-Cookie", "Strict-Transport-Security", "Trailer", "Transfer-Encoding",
		"Upgrade", "Vary", "Via", "X-Content-Type-Options", "X-Frame-Options", "X-Powered-By",
		"Access-Control-Allow-Origin", "Content-Security-Policy", "Content-Disposition", "Link",
		"Www-Authenticate", "Proxy-Authenticate", "Proxy-Connection", "Te", "Retry-After",
	} {
		m[k] = k
		m[strings.ToLower(k)] = k
	}
	m["ETag"] = "Etag"
	m["WWW-Authenticate"] = "Www-Authenticate"
	return m
}()

// canonicalKey is name in net/http's canonical form.
func canonicalKey(name []byte) string {
	if k, ok := commonKeys[string(name)]; ok {
		return k
	}
	return http.CanonicalHeaderKey(string(name))
}

// equalFoldBytes compares b with s ignoring ASCII case.
func equalFoldBytes(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// splitList yields the non-empty elements of a comma-separated list, trimmed.
func splitList(v string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" && !yield(part) {
				return
			}
		}
	}
}
