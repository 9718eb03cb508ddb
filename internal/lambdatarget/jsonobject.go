package lambdatarget

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// The response's objects (the payload itself, headers, multiValueHeaders) are split into their
// members by hand: json.Unmarshal into a map[string]json.RawMessage decodes through reflection
// and copies every value, which was most of the cost of reading a function's answer. The split
// gives exactly what that Unmarshal gives (keys unescaped, the last of duplicate keys winning,
// values without the whitespace around them) and only ever runs on text json.Valid accepted, so
// every error still comes from encoding/json.

// members splits a valid JSON document into the members of its top-level object. It returns nil
// when the document is not an object; the values share raw's memory.
func members(raw []byte) map[string]json.RawMessage {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil
	}
	obj := make(map[string]json.RawMessage)
	i = skipSpace(raw, i+1)
	if raw[i] == '}' {
		return obj
	}
	for {
		end := skipString(raw, i)
		key := unquote(raw[i:end])
		i = skipSpace(raw, end)
		i = skipSpace(raw, i+1) // the ':'
		end = skipValue(raw, i)
		obj[key] = json.RawMessage(raw[i:end:end])
		i = skipSpace(raw, end)
		if raw[i] == '}' {
			return obj
		}
		i = skipSpace(raw, i+1) // the ','
	}
}

// unquote is a JSON string literal's text. A key with escapes or bytes that are not UTF-8 goes
// through encoding/json, which decides what an unpaired surrogate or a stray byte becomes.
func unquote(lit []byte) string {
	if slices.Contains(lit, '\\') || !utf8.Valid(lit) {
		var s string
		_ = json.Unmarshal(lit, &s) // valid by members' precondition
		return s
	}
	return string(lit[1 : len(lit)-1])
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just after the string literal that starts at raw[i].
func skipString(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just after the value that starts at raw[i].
func skipValue(raw []byte, i int) int {
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for i < len(raw) {
			switch raw[i] {
			case '"':
				i = skipString(raw, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // a number, true, false or null: up to the next delimiter
		for i < len(raw) {
			switch raw[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}
