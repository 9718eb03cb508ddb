package rule

import "strings"

// This file evaluates query-string conditions (CND-QS, §12.8) by scanning the raw query in place;
// it never calls url.Values, which allocates a map per request.

// matchQuery reports whether any pair of the raw query q satisfies any of the condition's
// key/value patterns.
func (m *matcher) matchQuery(q string) bool {
	for q != "" {
		var key, value string
		var ok bool
		if key, value, q, ok = nextPair(q); !ok {
			return false
		}
		if m.matchPair(key, value) {
			return true
		}
	}
	return false
}

// matchPair decodes one pair's key and value (percent-escapes only, `+` stays) into stack buffers
// when either holds an escape, then tries every pattern. Decoding lets `?q=hello%20world` match
// the value `hello world` and `?q=%2A` match `\*`; a pair whose decoded text holds a control
// character (`%00`, `%0A`) matches nothing (RUL-13).
func (m *matcher) matchPair(key, value string) bool {
	if strings.IndexByte(key, '%') < 0 && strings.IndexByte(value, '%') < 0 {
		return matchPairText(m.pairs, key, value)
	}
	var keyBuf, valueBuf [decodeBufSize]byte
	return matchPairText(m.pairs,
		appendUnescaped(keyBuf[:0], key, false),
		appendUnescaped(valueBuf[:0], value, false))
}

// matchPairText reports whether one pattern accepts the pair: its key (when it has one) and its
// value both match (values of one condition are OR-ed, RUL-11).
func matchPairText[T text](pairs []queryPattern, key, value T) bool {
	if hasControl(value) {
		return false
	}
	keyVisible := !hasControl(key)
	for i := range pairs {
		p := &pairs[i]
		if p.hasKey && !(keyVisible && matchPattern(&p.key, key)) {
			continue
		}
		if matchPattern(&p.value, value) {
			return true
		}
	}
	return false
}
