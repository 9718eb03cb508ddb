package rule

import (
	"fmt"
	"regexp"
	"strings"
)

// This file compiles and matches the RegexValues of host-header, http-header and path-pattern
// conditions (RUL-15). See docs/rules.md "Regex conditions" for the decisions (§12.9): matches
// are searches (anchor with ^ and $), host regexes ignore case, path and header regexes do not
// unless they say (?i), and the host regex sees the Host as sent, port included.

// MaxRegexLen is the longest regex value a condition accepts (RUL-15).
const MaxRegexLen = 128

// MaxRewriteLen is the longest Regex or Replace of a rule transform (TRF-02).
const MaxRewriteLen = 1024

// CompileRegex compiles a regex condition value or transform regex with Go's RE2 syntax. RE2
// already refuses lookarounds, backreferences, atomic groups, possessive quantifiers, subroutines
// and recursion; Unicode classes (`\p{L}`, `\pN`, `\P{...}`), which RE2 accepts, are refused
// explicitly because RUL-15 lists them as unsupported. With fold the match ignores case.
func CompileRegex(src string, fold bool) (*regexp.Regexp, error) {
	if i := unicodeClass(src); i >= 0 {
		return nil, fmt.Errorf("unicode character classes such as \\p{L} are not supported (RUL-15), at offset %d of %q", i, src)
	}
	expr := src
	if fold {
		expr = "(?i)" + src
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		// RE2's message names the construct (e.g. "invalid or unsupported Perl syntax: `(?=`").
		return nil, fmt.Errorf("not a supported regular expression (RUL-15): %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return re, nil
}

// unicodeClass returns the offset of the first unescaped `\p` or `\P` in src, or -1.
func unicodeClass(src string) int {
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '\\' {
			continue
		}
		if c := src[i+1]; c == 'p' || c == 'P' {
			return i
		}
		i++ // skip the escaped character, so `\\p` is a backslash then a literal p
	}
	return -1
}

// compileRegexes compiles a condition's regex values; errors carry each value's path.
func compileRegexes(values []string, fold bool, at string) ([]*regexp.Regexp, []error) {
	var out []*regexp.Regexp
	var errs []error
	for i, v := range values {
		vp := fmt.Sprintf("%s.regex_values[%d]", at, i)
		switch {
		case v == "":
			errs = append(errs, fmt.Errorf("%s: must not be empty (RUL-12)", vp))
			continue
		case len(v) > MaxRegexLen:
			errs = append(errs, fmt.Errorf("%s: must be at most %d characters (RUL-15), got %d", vp, MaxRegexLen, len(v)))
			continue
		}
		re, err := CompileRegex(v, fold)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", vp, err))
			continue
		}
		out = append(out, re)
	}
	return out, errs
}

// matchRegexes reports whether any regex finds a match in s; a subject holding a control
// character matches none, as for wildcard values (RUL-13).
func matchRegexes(res []*regexp.Regexp, s string) bool {
	if len(res) == 0 || hasControl(s) {
		return false
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// firstRegex returns the index of the first regex matching s, or -1.
func firstRegex(res []*regexp.Regexp, s string) int {
	if hasControl(s) {
		return -1
	}
	for i, re := range res {
		if re.MatchString(s) {
			return i
		}
	}
	return -1
}
