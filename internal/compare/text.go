package compare

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// ParsePatterns reads a whitespace-separated list of RE2 regular expressions (write \s or [ ] for
// a space inside one).
func ParsePatterns(s string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, src := range strings.Fields(s) {
		re, err := regexp.Compile(src)
		if err != nil {
			return nil, err
		}
		out = append(out, re)
	}
	return out, nil
}

// placeholder replaces ignored text in both bodies, so that the rest still lines up.
var placeholder = []byte("<ignored>")

func maskAll(b []byte, patterns []*regexp.Regexp) []byte {
	for _, re := range patterns {
		b = re.ReplaceAllLiteral(b, placeholder)
	}
	return b
}

// diffText compares line by line and names the differing lines: positions first, so that a
// changed timestamp in line 3 reads as line 3, then a note when one side has more lines.
func diffText(a, b []byte) []string {
	if bytes.Equal(a, b) {
		return nil
	}
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	var out []string
	for i := range min(len(la), len(lb)) {
		if len(out) > maxDiffLines {
			return out // a verdict keeps maxDiffLines and an ellipsis: the rest would be dropped
		}
		if !bytes.Equal(la[i], lb[i]) {
			out = append(out, fmt.Sprintf("line %d: -%q +%q", i+1, cut(string(la[i]), 80), cut(string(lb[i]), 80)))
		}
	}
	if len(la) != len(lb) {
		out = append(out, fmt.Sprintf("lines: -%d +%d", len(la), len(lb)))
	}
	return out
}

// diffBytes describes two bodies that are not byte-equal: their sizes and the first offset at
// which the captured bytes differ.
func diffBytes(p, s *Response) []string {
	n := min(len(p.Body), len(s.Body))
	at := n
	for i := range n {
		if p.Body[i] != s.Body[i] {
			at = i
			break
		}
	}
	line := fmt.Sprintf("body: -%d bytes +%d bytes, first difference at byte %d", p.Size, s.Size, at)
	if at == n && (!p.Complete() || !s.Complete()) && p.Size == s.Size {
		line = fmt.Sprintf("body: %d bytes each, equal in the first %d captured, different after", p.Size, n)
	}
	return []string{line, fmt.Sprintf("  -%q", excerpt(p.Body, at)), fmt.Sprintf("  +%q", excerpt(s.Body, at))}
}

// excerpt is up to 40 bytes around offset at.
func excerpt(b []byte, at int) string {
	lo := max(0, at-10)
	hi := min(len(b), at+30)
	if lo >= hi {
		return ""
	}
	return string(b[lo:hi])
}
