package rule

// This file compiles condition values into patterns and matches them. Wildcards follow RUL-14:
// `*` is zero or more characters, `?` exactly one, and the pattern covers the whole subject.
// Patterns without `?` and with stars only at their ends become exact, prefix, suffix or contains
// matchers, which is what almost every real rule uses (`/api/*`, `*.example.com`); the rest use
// an iterative glob. Nothing here allocates while matching.

// text is what a pattern is matched against: a string taken from the request as it is, or bytes
// decoded into a caller's buffer (query strings, percent-encoded paths).
type text interface{ ~string | ~[]byte }

// patternKind selects the algorithm a pattern was compiled into.
type patternKind uint8

const (
	kindExact    patternKind = iota // no wildcard: the subject equals lit
	kindPrefix                      // lit*
	kindSuffix                      // *lit
	kindContains                    // *lit*
	kindGlob                        // anything else: elems
)

// wildcard kinds of a glob element.
const (
	wildNone byte = iota
	wildStar
	wildOne
)

// elem is one glob element: a literal byte or a wildcard.
type elem struct {
	c    byte
	wild byte
}

// pattern is one compiled condition value.
type pattern struct {
	src   string // as configured, for Explain
	kind  patternKind
	fold  bool   // ASCII case-insensitive; lit and elems are then stored lowercased
	lit   string // exact, prefix, suffix, contains
	elems []elem // glob
}

// compilePattern compiles a condition value. With fold, ASCII letters match either case. With
// escapes (query-string values only, CND-QS), a backslash makes the next character literal, so
// `\*` and `\?` match a literal `*` and `?`; a trailing lone backslash is itself literal.
func compilePattern(src string, fold, escapes bool) pattern {
	p := pattern{src: src, fold: fold}
	elems := make([]elem, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case escapes && c == '\\' && i+1 < len(src):
			i++
			elems = append(elems, elem{c: foldIf(src[i], fold)})
		case c == '*':
			if n := len(elems); n > 0 && elems[n-1].wild == wildStar {
				continue // `**` is `*`
			}
			elems = append(elems, elem{wild: wildStar})
		case c == '?':
			elems = append(elems, elem{wild: wildOne})
		default:
			elems = append(elems, elem{c: foldIf(c, fold)})
		}
	}
	p.kind, p.lit = classify(elems)
	if p.kind == kindGlob {
		p.elems = elems
	}
	return p
}

// classify picks the cheapest algorithm able to match elems.
func classify(elems []elem) (patternKind, string) {
	stars, ones := 0, 0
	for _, e := range elems {
		switch e.wild {
		case wildStar:
			stars++
		case wildOne:
			ones++
		}
	}
	n := len(elems)
	leading := n > 0 && elems[0].wild == wildStar
	trailing := n > 0 && elems[n-1].wild == wildStar
	switch {
	case ones > 0:
		return kindGlob, ""
	case stars == 0:
		return kindExact, literal(elems)
	case stars == 1 && trailing:
		return kindPrefix, literal(elems[:n-1])
	case stars == 1 && leading:
		return kindSuffix, literal(elems[1:])
	case stars == 2 && leading && trailing:
		return kindContains, literal(elems[1 : n-1])
	}
	return kindGlob, ""
}

// literal returns the bytes of wildcard-free elems.
func literal(elems []elem) string {
	b := make([]byte, len(elems))
	for i, e := range elems {
		b[i] = e.c
	}
	return string(b)
}

// matchPattern reports whether p covers all of s. Callers have already rejected subjects holding
// control characters (RUL-13, see hasControl).
func matchPattern[T text](p *pattern, s T) bool {
	switch p.kind {
	case kindExact:
		return len(s) == len(p.lit) && equalAt(s, 0, p.lit, p.fold)
	case kindPrefix:
		return len(s) >= len(p.lit) && equalAt(s, 0, p.lit, p.fold)
	case kindSuffix:
		return len(s) >= len(p.lit) && equalAt(s, len(s)-len(p.lit), p.lit, p.fold)
	case kindContains:
		return containsAt(s, p.lit, p.fold)
	}
	return matchGlob(p.elems, s, p.fold)
}

// matchGlob is the iterative wildcard match with single-star backtracking: on a mismatch it
// resumes after the most recent star, letting that star swallow one more byte. Earlier stars never
// need revisiting, so the cost is O(len(elems)·len(s)) at worst and linear for typical patterns,
// with no recursion and no allocation.
func matchGlob[T text](elems []elem, s T, fold bool) bool {
	pi, si := 0, 0
	star, resume := -1, 0
	for si < len(s) {
		if pi < len(elems) {
			e := elems[pi]
			if e.wild == wildStar {
				star, resume = pi, si
				pi++
				continue
			}
			if e.wild == wildOne || e.c == foldIf(s[si], fold) {
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		resume++
		pi, si = star+1, resume
	}
	for pi < len(elems) && elems[pi].wild == wildStar {
		pi++
	}
	return pi == len(elems)
}

// equalAt reports whether s[at:at+len(lit)] equals lit, folding s when fold is set (lit is
// already lowercase then). It compares in place, without lowercased copies.
func equalAt[T text](s T, at int, lit string, fold bool) bool {
	for i := 0; i < len(lit); i++ {
		if foldIf(s[at+i], fold) != lit[i] {
			return false
		}
	}
	return true
}

// containsAt reports whether lit occurs anywhere in s. Patterns are at most 128 characters
// (CND-*), so the simple scan beats building search tables per request.
func containsAt[T text](s T, lit string, fold bool) bool {
	for at := 0; at+len(lit) <= len(s); at++ {
		if equalAt(s, at, lit, fold) {
			return true
		}
	}
	return false
}

// foldIf lowercases an ASCII letter when fold is set.
func foldIf(c byte, fold bool) byte {
	if fold && 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// isControl reports whether c is an ASCII control character, which RUL-13 excludes from rule
// evaluation.
func isControl(c byte) bool {
	return c < 0x20 || c == 0x7f
}

// hasControl reports whether s holds a control character. RUL-13 says matching considers only
// visible ASCII; Albatross reads that as "a control character matches no pattern character, not
// even a wildcard", so a subject holding one matches no value of any condition.
func hasControl[T text](s T) bool {
	for i := 0; i < len(s); i++ {
		if isControl(s[i]) {
			return true
		}
	}
	return false
}

// matchAny reports whether any pattern covers s (values are OR-ed, RUL-11); a subject holding a
// control character matches none (RUL-13).
func matchAny[T text](patterns []pattern, s T) bool {
	return !hasControl(s) && matchVisible(patterns, s)
}

// matchVisible is matchAny for a subject already known to hold no control character.
func matchVisible[T text](patterns []pattern, s T) bool {
	for i := range patterns {
		if matchPattern(&patterns[i], s) {
			return true
		}
	}
	return false
}
