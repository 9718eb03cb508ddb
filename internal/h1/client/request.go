package client

import (
	"bufio"
	"maps"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// hopByHop reports the fields that describe one connection and are never forwarded (RFC 9110
// section 7.6.1), plus the framing fields the client writes itself.
func hopByHop(key string) bool {
	// A switch, not a map: it is asked for every field of every request and response, and
	// comparing a few strings of the key's length costs less than hashing the key.
	switch key {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// keysPool recycles the scratch slices of field names used to write a head in order.
var keysPool = sync.Pool{New: func() any { s := make([]string, 0, 32); return &s }}

// writeHead writes the request head for r to bw: the request line with r.URL's request URI,
// Host, the fields that are not hop-by-hop (in the client's case and order when the exchange
// has the names as they arrived), Te: trailers when the client accepts trailers, the upgrade the
// client asked for when it is WebSocket, Connection: close when asked, and the framing of the
// body as this client sends it.
func (ex *exchange) writeHead(bw *bufio.Writer, upgrade string) {
	r := ex.r
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(r.URL.RequestURI())
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	writeValue(bw, host)
	bw.WriteString("\r\n")

	connection := r.Header["Connection"]
	skip := func(key string) bool {
		return hopByHop(key) || key == "Host" || key == "Content-Length" || ex.client.drop[key] || listed(connection, key)
	}
	keysp := keysPool.Get().(*[]string)
	keys := (*keysp)[:0]
	for key := range r.Header {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	if names := ex.names; names != nil {
		donep := keysPool.Get().(*[]string)
		done := doneSet{list: (*donep)[:0]}
		if len(names) > doneListMax {
			// A head of thousands of short names must not cost a quadratic search.
			done.set = make(map[string]bool, len(names))
		}
		for _, name := range names {
			key := textproto.CanonicalMIMEHeaderKey(name)
			if !done.add(key) {
				continue
			}
			if values, ok := r.Header[key]; ok && !skip(key) {
				writeField(bw, name, values)
			}
		}
		for _, key := range keys {
			if !done.has(key) && !skip(key) {
				writeField(bw, key, r.Header[key])
			}
		}
		clear(done.list)
		*donep = done.list[:0]
		keysPool.Put(donep)
	} else {
		for _, key := range keys {
			if !skip(key) {
				writeField(bw, key, r.Header[key])
			}
		}
	}
	clear(keys)
	*keysp = keys[:0]
	keysPool.Put(keysp)

	if listed(r.Header["Te"], "trailers") {
		bw.WriteString("Te: trailers\r\n")
	}
	if upgrade != "" {
		bw.WriteString("Connection: Upgrade\r\nUpgrade: ")
		bw.WriteString(upgrade)
		bw.WriteString("\r\n")
	}
	if ex.closeAfter {
		bw.WriteString("Connection: close\r\n")
	}
	switch {
	case ex.r.ContentLength > 0 && ex.hasBody:
		bw.WriteString("Content-Length: ")
		var digits [20]byte
		bw.Write(strconv.AppendInt(digits[:0], r.ContentLength, 10))
		bw.WriteString("\r\n")
	case ex.hasBody:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
		if len(r.Trailer) > 0 {
			bw.WriteString("Trailer: ")
			for i, key := range slices.Sorted(maps.Keys(r.Trailer)) {
				if i > 0 {
					bw.WriteString(", ")
				}
				bw.WriteString(key)
			}
			bw.WriteString("\r\n")
		}
	case r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch:
		// Many servers expect a length on these methods, as net/http's client sends it.
		bw.WriteString("Content-Length: 0\r\n")
	}
	bw.WriteString("\r\n")
}

// doneListMax is the number of names up to which doneSet searches a list rather than a map.
const doneListMax = 32

// doneSet is the set of keys already written: a list for the usual few dozen names, a map for
// more.
type doneSet struct {
	list []string
	set  map[string]bool
}

// add adds key and reports whether it was new.
func (d *doneSet) add(key string) bool {
	if d.has(key) {
		return false
	}
	if d.set != nil {
		d.set[key] = true
	} else {
		d.list = append(d.list, key)
	}
	return true
}

func (d *doneSet) has(key string) bool {
	if d.set != nil {
		return d.set[key]
	}
	return slices.Contains(d.list, key)
}

// writeField writes one "name: value" line per value.
func writeField(bw *bufio.Writer, name string, values []string) {
	for _, v := range values {
		bw.WriteString(name)
		bw.WriteString(": ")
		writeValue(bw, v)
		bw.WriteString("\r\n")
	}
}

// writeValue writes v with any CR or LF turned into a space, so that no value can end a line
// early (net/http's client does the same).
func writeValue(bw *bufio.Writer, v string) {
	// Two byte scans: ContainsAny's set-based loop cost more for every forwarded value.
	if strings.IndexByte(v, '\n') < 0 && strings.IndexByte(v, '\r') < 0 {
		bw.WriteString(v)
		return
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		bw.WriteByte(c)
	}
}

// listed reports whether token is among the comma-separated tokens of values, ignoring case.
func listed(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// upgradeToken is the protocol a client asked to switch to when it is WebSocket (WS-01), or "".
// Any other token, h2c above all, is never offered to a target: a target that accepted
// `Upgrade: h2c` would turn the client connection into an HTTP/2 tunnel whose later requests
// bypass the listener's rules and logs (h2c smuggling). A request without a WebSocket token goes
// out as a plain request.
func upgradeToken(h http.Header) string {
	if !listed(h["Connection"], "upgrade") {
		return ""
	}
	for _, v := range h["Upgrade"] {
		for token := range strings.SplitSeq(v, ",") {
			token = strings.TrimSpace(token)
			name, _, _ := strings.Cut(token, "/")
			if strings.EqualFold(name, "websocket") && printable(token) {
				return token
			}
		}
	}
	return ""
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
