// Package compare decides whether a shadow target answered like the primary one: status, a chosen
// set of headers, and the body (byte-equal, JSON-equal with ignored paths, or text-equal with
// ignored patterns). It also keeps the counters, latencies and the bounded sample of mismatches
// that `albatross diff`, the dashboard and the metrics show (tally.go). It is pure: no I/O.
package compare

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Body comparison modes (the albatross.compare.body rule attribute).
const (
	BodyBytes = "bytes"
	BodyJSON  = "json"
	BodyText  = "text"
	BodyNone  = "none"
)

// Kind names what differed in a mismatch; one pair can differ in several.
type Kind string

// Mismatch kinds.
const (
	KindStatus Kind = "status"
	KindHeader Kind = "header"
	KindBody   Kind = "body"
)

// Rules say what must be equal for a shadow answer to match the primary's. The zero value
// compares the status only.
type Rules struct {
	// Headers are the response headers compared, by canonical name; a header missing on one side
	// only is a difference.
	Headers []string
	// Body is BodyBytes, BodyJSON, BodyText or BodyNone; "" means BodyNone.
	Body string
	// IgnorePaths are JSON paths (ParsePaths) removed from both bodies before a JSON comparison.
	IgnorePaths []Path
	// IgnorePatterns are replaced by a placeholder in both bodies before a text comparison.
	IgnorePatterns []*regexp.Regexp
}

// Verdict is the outcome of one comparison.
type Verdict struct {
	// Kinds lists what differed, in the order status, header, body; empty for a match.
	Kinds []Kind
	// Diff says in readable lines how the two answers differ ("-" the primary, "+" the shadow).
	Diff []string
}

// Match reports whether the answers were equal under the rules.
func (v Verdict) Match() bool { return len(v.Kinds) == 0 }

// maxDiffLines bounds a verdict's Diff, so that a sample stays small whatever the bodies are.
const maxDiffLines = 12

// Compare compares a shadow answer with the primary's under r. When either answer is an error
// page the load balancer generated (Response.Generated), only the statuses are compared: the
// page says nothing about the application.
func (r *Rules) Compare(primary, shadow *Response) Verdict {
	var v Verdict
	if primary.Status != shadow.Status {
		v.add(KindStatus, fmt.Sprintf("status: -%d +%d", primary.Status, shadow.Status))
	}
	if primary.Generated || shadow.Generated {
		return v
	}
	if lines := r.compareHeaders(primary.Header, shadow.Header); len(lines) > 0 {
		v.add(KindHeader, lines...)
	}
	if lines := r.compareBodies(primary, shadow); len(lines) > 0 {
		v.add(KindBody, lines...)
	}
	return v
}

func (v *Verdict) add(k Kind, lines ...string) {
	v.Kinds = append(v.Kinds, k)
	for _, l := range lines {
		if len(v.Diff) == maxDiffLines {
			v.Diff[maxDiffLines-1] = "…"
			return
		}
		v.Diff = append(v.Diff, l)
	}
}

func (r *Rules) compareHeaders(p, s http.Header) []string {
	var out []string
	for _, name := range r.Headers {
		pv, pok := p[name]
		sv, sok := s[name]
		a, b := strings.Join(pv, ", "), strings.Join(sv, ", ")
		switch {
		case pok && !sok:
			out = append(out, fmt.Sprintf("header %s: -%q +(absent)", name, a))
		case !pok && sok:
			out = append(out, fmt.Sprintf("header %s: -(absent) +%q", name, b))
		case a != b:
			out = append(out, fmt.Sprintf("header %s: -%q +%q", name, a, b))
		}
	}
	return out
}

// compareBodies returns the lines describing how the bodies differ, none when they are equal.
// A body larger than what was captured of it can only be compared byte for byte (by digest).
func (r *Rules) compareBodies(p, s *Response) []string {
	mode := r.Body
	if mode == "" || mode == BodyNone {
		return nil
	}
	if mode != BodyBytes && (!p.Complete() || !s.Complete()) {
		if p.Size == s.Size && p.Digest == s.Digest {
			return nil
		}
		return []string{fmt.Sprintf("body: too large for a %s comparison (%d and %d bytes) and not byte-equal", mode, p.Size, s.Size)}
	}
	switch mode {
	case BodyJSON:
		return diffJSON(p.Body, s.Body, r.IgnorePaths)
	case BodyText:
		return diffText(maskAll(p.Body, r.IgnorePatterns), maskAll(s.Body, r.IgnorePatterns))
	}
	if p.Size == s.Size && p.Digest == s.Digest {
		return nil
	}
	return diffBytes(p, s)
}
