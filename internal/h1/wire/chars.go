package wire

// Byte classes of RFC 9110 §5.6.2 (tchar) and §5.5 (field-vchar), and the bytes the guardian
// calls bad anywhere in a head: NUL, CR and LF.
const (
	charToken = 1 << iota // tchar
	charValue             // VCHAR, SP, HTAB or obs-text
	charBad               // NUL, CR, LF
)

var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == 0 || c == '\r' || c == '\n':
			t[c] = charBad
		case c == '\t' || c == ' ' || c >= 0x80:
			t[c] = charValue
		case c > ' ' && c < 0x7f:
			t[c] = charValue
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
				indexByte([]byte("!#$%&'*+-.^_`|~"), byte(c)) >= 0 {
				t[c] |= charToken
			}
		}
	}
	return t
}()

// isToken reports a non-empty token.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if charClass[c]&charToken == 0 {
			return false
		}
	}
	return true
}

// nameClass grades a field name: Compliant for a token, Severe with a bad byte, else Acceptable.
func nameClass(b []byte) Class {
	class := Compliant
	for _, c := range b {
		switch k := charClass[c]; {
		case k&charToken != 0:
		case k&charBad != 0:
			return Severe
		default:
			class = Acceptable
		}
	}
	return class
}

// valueClass grades a field value the same way; obs-text is compliant, other CTLs are not.
func valueClass(b []byte) Class {
	class := Compliant
	for _, c := range b {
		switch k := charClass[c]; {
		case k&charValue != 0:
		case k&charBad != 0:
			return Severe
		default:
			class = Acceptable
		}
	}
	return class
}

// looksLike reports a name that is not letters but reads as the lowercase letters want once
// case is folded, everything but letters and digits is dropped, and the two non-ASCII letters
// that upper-case to ASCII ("ſ" to S, "ı" to I) are read as such; or that starts with them
// followed by whitespace or a control character, where engines that cut names there would see
// them. This is the guardian's SuspiciousHeader test in our own terms.
func looksLike(name []byte, want string) bool {
	j := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		var letter byte
		switch {
		case 'a' <= c && c <= 'z':
			letter = c
		case 'A' <= c && c <= 'Z':
			letter = c + 'a' - 'A'
		case '0' <= c && c <= '9':
			return false
		case c == 0xc5 && i+1 < len(name) && name[i+1] == 0xbf:
			letter, i = 's', i+1
		case c == 0xc4 && i+1 < len(name) && name[i+1] == 0xb1:
			letter, i = 'i', i+1
		default:
			if j == len(want) && (c <= ' ' || c == 0x7f) {
				return true
			}
			continue
		}
		if j == len(want) || want[j] != letter {
			return false
		}
		j++
	}
	return j == len(want)
}

// equalFold compares b with a lowercase ASCII string, ignoring ASCII case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// cut splits b at the first sep.
func cut(b []byte, sep byte) (before, after []byte, found bool) {
	if i := indexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}
