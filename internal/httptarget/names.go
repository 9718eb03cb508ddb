package httptarget

import (
	"net/http"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// Header case towards HTTP/1.1 targets (H2-05, issue 14): a request that came through the
// engine's HTTP/1.1 connection loop still has its raw head (wire.Received), so the fields the
// load balancer forwards as they arrived go out under the client's spelling and in its order.
// The join is made here, after the router and the action changed the request, because only here
// is the request final: what the target receives is decided by r.Header, never by the raw head.

// nameScratch is the per-request working memory of receivedNames, pooled so that a steady
// stream of requests reuses it and allocates only the spellings that are not canonical.
type nameScratch struct {
	names []string
	// keys are r.Header's keys; a key's slot is its index here, in seen and in index.
	keys []string
	// index maps each key to its slot when there are more than linearKeys; fewer are found by
	// comparing them in turn, which costs less than hashing each name into a map and clearing
	// it for the next request.
	index map[string]int
	// seen counts each key's occurrences in the head whose values match r.Header's; -1 marks a
	// key whose values the load balancer changed.
	seen []int
	// slots holds each field's slot, -1 for a field not in r.Header.
	slots []int
}

// receivedNames returns the field names of r as its HTTP/1.x client sent them, in order, for
// the fields whose values the load balancer forwards exactly as received; nil when r did not
// come through the connection loop (HTTP/2 clients, whose names are lowercase by protocol, the
// net/http fallback, shadow copies). A field the load balancer set, replaced or appended to
// (X-Forwarded-For, X-Amzn-Trace-Id, the OIDC and mTLS headers) is left out, so it keeps being
// written canonically after the client's fields; fields removed from r.Header (hop-by-hop,
// Expect, DSY-03 and H2-01 drops) and fields the loop did not hand on (names that are not
// tokens, lines without a colon) are not in r.Header, so a spelling of theirs is never used.
// The result lives in s and must not be used after s is reset.
func receivedNames(r *http.Request, s *nameScratch) []string {
	if r.ProtoMajor == 2 {
		return h2Names(r, s)
	}
	if r.ProtoMajor != 1 {
		return nil
	}
	rcv := wire.ReceivedFrom(r.Context())
	if rcv == nil || rcv.Head == nil {
		return nil
	}
	for key := range r.Header {
		s.keys = append(s.keys, key)
		s.seen = append(s.seen, 0)
	}
	if len(s.keys) > linearKeys {
		if s.index == nil {
			s.index = make(map[string]int, len(s.keys))
		}
		for i, key := range s.keys {
			s.index[key] = i
		}
	}
	h := rcv.Head
	var buf [128]byte
	for i := range h.Fields {
		f := &h.Fields[i]
		slot := -1
		if forwardable(f) {
			slot = s.slot(canonical(buf[:0], f.Name))
		}
		s.slots = append(s.slots, slot)
		if slot < 0 || s.seen[slot] < 0 {
			continue
		}
		values, n := r.Header[s.keys[slot]], s.seen[slot]
		if n >= len(values) || values[n] != string(f.Value) {
			s.seen[slot] = -1 // the load balancer replaced or removed a value
			continue
		}
		s.seen[slot] = n + 1
	}
	for i, slot := range s.slots {
		if slot < 0 {
			continue
		}
		key := s.keys[slot]
		if s.seen[slot] != len(r.Header[key]) {
			continue // changed, or given more values by the load balancer
		}
		if name := h.Fields[i].Name; string(name) == key {
			s.names = append(s.names, key) // already canonical: no copy
		} else {
			s.names = append(s.names, string(name))
		}
	}
	return s.names
}

// linearKeys is the most keys receivedNames finds by comparing them in turn.
const linearKeys = 16

// slot is the slot of the canonical name key, -1 when r.Header does not hold it.
func (s *nameScratch) slot(key []byte) int {
	if len(s.keys) > linearKeys {
		if i, ok := s.index[string(key)]; ok {
			return i
		}
		return -1
	}
	for i, k := range s.keys {
		if k == string(key) {
			return i
		}
	}
	return -1
}

// recasedFromH2 are the fields H2-05 re-cases when a request from an HTTP/2 client is forwarded
// over HTTP/1.1; every other name stays as HTTP/2 carries it, lowercase.
var recasedFromH2 = map[string]bool{
	"X-Forwarded-For": true, "X-Forwarded-Proto": true, "X-Forwarded-Port": true, "Host": true,
	"X-Amzn-Trace-Id": true, "Upgrade": true, "Connection": true,
}

// h2Names returns the lowercase names H2-05 gives an HTTP/2 client's fields on the way to an
// HTTP/1.1 target: every field of r.Header but the re-cased ones, which the client then writes
// canonically after them. HTTP/2 keeps no field order that survives net/http's header map, so
// the names are sorted, as the fields were before.
func h2Names(r *http.Request, s *nameScratch) []string {
	for key := range r.Header {
		if recasedFromH2[key] {
			continue
		}
		s.names = append(s.names, strings.ToLower(key))
	}
	slices.Sort(s.names)
	return s.names
}

// reset empties s, keeping its capacity, and lets go of the request's strings.
func (s *nameScratch) reset() {
	clear(s.index)
	clear(s.keys)
	clear(s.names)
	s.keys, s.names, s.seen, s.slots = s.keys[:0], s.names[:0], s.seen[:0], s.slots[:0]
}

// forwardable reports whether the connection loop handed f on in r.Header (it drops names that
// are not tokens and lines without a colon, see internal/h1/server).
func forwardable(f *wire.Field) bool {
	return len(f.Name) > 0 && f.Flags&(wire.FieldNoColon|wire.FieldNameNotToken) == 0
}

// canonical appends name in textproto's canonical form (the first letter and every letter after
// a hyphen upper case, the others lower case) to dst. name is a token, as forwardable ensures,
// so textproto would canonicalise it the same way.
func canonical(dst, name []byte) []byte {
	upper := true
	for _, c := range name {
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}
