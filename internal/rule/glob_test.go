package rule

import (
	"strings"
	"testing"
)

// TestPatternRUL14 checks whole-subject wildcard semantics (RUL-14) and case handling (§2.3)
// through every specialised matcher.
func TestPatternRUL14(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, pattern, subject string
		fold, escapes, want    bool
		kind                   patternKind
	}{
		{desc: "exact equal", pattern: "/teapot", subject: "/teapot", want: true, kind: kindExact},
		{desc: "exact is anchored at the end", pattern: "/teapot", subject: "/teapots", kind: kindExact},
		{desc: "exact is anchored at the start", pattern: "/teapot", subject: "x/teapot", kind: kindExact},
		{desc: "prefix doc example", pattern: "/img/*", subject: "/img/picture.jpg", want: true, kind: kindPrefix},
		{desc: "star matches zero characters", pattern: "/img/*", subject: "/img/", want: true, kind: kindPrefix},
		{desc: "prefix needs the whole literal", pattern: "/img/*", subject: "/img", kind: kindPrefix},
		{desc: "suffix doc example", pattern: "*.example.com", subject: "test.example.com", fold: true, want: true, kind: kindSuffix},
		{desc: "suffix doc counter-example", pattern: "*.example.com", subject: "example.com", fold: true, kind: kindSuffix},
		{desc: "contains doc example", pattern: "*example*", subject: "an-EXAMPLE-value", fold: true, want: true, kind: kindContains},
		{desc: "contains absent", pattern: "*example*", subject: "exampl", fold: true, kind: kindContains},
		{desc: "lone star matches empty", pattern: "*", subject: "", want: true, kind: kindPrefix},
		{desc: "double star is one star", pattern: "/a/**", subject: "/a/b/c", want: true, kind: kindPrefix},
		{desc: "question is exactly one", pattern: "/v?/x", subject: "/v1/x", want: true, kind: kindGlob},
		{desc: "question is not zero", pattern: "/v?/x", subject: "/v/x", kind: kindGlob},
		{desc: "question is not two", pattern: "/v?/x", subject: "/v12/x", kind: kindGlob},
		{desc: "inner star", pattern: "/img/*/pics", subject: "/img/a/b/pics", want: true, kind: kindGlob},
		{desc: "inner star anchored", pattern: "/img/*/pics", subject: "/img/a/pics/x", kind: kindGlob},
		{desc: "star needs backtracking", pattern: "*a*b", subject: "xaxbxab", want: true, kind: kindGlob},
		{desc: "path is case-sensitive (T23)", pattern: "/API/*", subject: "/api/x", kind: kindPrefix},
		{desc: "host is case-insensitive (T23)", pattern: "EXAMPLE.com", subject: "example.COM", fold: true, want: true, kind: kindExact},
		{desc: "fold only touches ASCII letters", pattern: "a[b", subject: "A{B", fold: true, kind: kindExact},
		{desc: "escaped star is literal", pattern: `a\*`, subject: "a*", escapes: true, want: true, kind: kindExact},
		{desc: "escaped star is not a wildcard", pattern: `a\*`, subject: "ab", escapes: true, kind: kindExact},
		{desc: "escaped question is literal", pattern: `\?*`, subject: "?x", escapes: true, want: true, kind: kindPrefix},
		{desc: "escaped question is not a wildcard", pattern: `\?*`, subject: "x", escapes: true, kind: kindPrefix},
		{desc: "escaped backslash", pattern: `a\\`, subject: `a\`, escapes: true, want: true, kind: kindExact},
		{desc: "trailing backslash is literal", pattern: `a\`, subject: `a\`, escapes: true, want: true, kind: kindExact},
		{desc: "backslash is literal without escapes", pattern: `a\*`, subject: `a\bc`, want: true, kind: kindPrefix},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := compilePattern(tc.pattern, tc.fold, tc.escapes)
			if p.kind != tc.kind {
				t.Errorf("compilePattern(%q).kind = %d, want %d", tc.pattern, p.kind, tc.kind)
			}
			if got := matchPattern(&p, tc.subject); got != tc.want {
				t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
			}
			if got := matchPattern(&p, []byte(tc.subject)); got != tc.want {
				t.Errorf("match(%q, []byte %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
			}
		})
	}
}

// TestMatchAnyRUL13 checks that control characters match no pattern character, wildcards
// included (RUL-13), while other bytes do.
func TestMatchAnyRUL13(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, subject string
		want          bool
	}{
		{desc: "visible text", subject: "beta-1", want: true},
		{desc: "NUL under a star", subject: "beta\x00", want: false},
		{desc: "tab under a star", subject: "beta\tx", want: false},
		{desc: "DEL under a star", subject: "beta\x7f", want: false},
		{desc: "unit separator", subject: "beta\x1f", want: false},
		{desc: "non-ASCII bytes are ordinary", subject: "beta-é", want: true},
	}
	patterns := []pattern{compilePattern("beta*", true, false), compilePattern("*", true, false)}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := matchAny(patterns, tc.subject); got != tc.want {
				t.Errorf("matchAny(%q) = %v, want %v", tc.subject, got, tc.want)
			}
		})
	}
}

// referenceGlob is a deliberately plain oracle for FuzzGlob: dynamic programming over the bytes of
// an unescaped pattern, with strings.ToLower folding and the RUL-13 control-character rule.
func referenceGlob(pat, s string, fold bool) bool {
	if fold {
		pat, s = asciiLower(pat), asciiLower(s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	// ok[j] reports whether pat[:i] matches s[:j] for the current i.
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 0; i < len(pat); i++ {
		next := make([]bool, len(s)+1)
		for j := 0; j <= len(s); j++ {
			switch pat[i] {
			case '*':
				next[j] = ok[j] || (j > 0 && next[j-1])
			case '?':
				next[j] = j > 0 && ok[j-1]
			default:
				next[j] = j > 0 && ok[j-1] && pat[i] == s[j-1]
			}
		}
		ok = next
	}
	return ok[len(s)]
}

// asciiLower lowercases ASCII letters only, as the matcher does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldIf(c, true)
	}
	return string(b)
}

// FuzzGlob compares the compiled matchers with referenceGlob (RUL-14).
func FuzzGlob(f *testing.F) {
	f.Add("*.example.com", "test.example.com", true)
	f.Add("/img/*/pics", "/img/a/b/pics", false)
	f.Add("*a*b?c*", "xxaxxbzcc", false)
	f.Add("a?*?", "ab", true)
	f.Add("**", "\x00", false)
	f.Fuzz(func(t *testing.T, pat, s string, fold bool) {
		if len(pat) > 64 || len(s) > 256 {
			t.Skip("bounded to keep the reference cheap")
		}
		p := compilePattern(pat, fold, false)
		want := referenceGlob(pat, s, fold)
		if got := matchAny([]pattern{p}, s); got != want {
			t.Fatalf("match(%q, %q, fold=%v) = %v, reference says %v", pat, s, fold, got, want)
		}
	})
}
