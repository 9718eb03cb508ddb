package rule

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// This file implements rule transforms (§2.4, TRF-01..05): a host-header rewrite and a URL
// rewrite that run after routing, before the action. See docs/rules.md "Rule transforms" for the
// decisions (§12.9).

// Rewrite is one RewriteConfig: a regular expression and its replacement, in which `$1`, `${1}`
// or `${name}` refer to capture groups and `$$` is a literal dollar (TRF-02).
type Rewrite struct {
	Regex, Replace string
}

// Transforms are a rule's transforms as plain values: at most one host-header rewrite and one URL
// rewrite per rule (TRF-01), each a list of rewrites.
type Transforms struct {
	// HostHeader rewrites the Host; nil means no host-header-rewrite transform.
	HostHeader []Rewrite
	// URL rewrites the request target's `path[?query]`; nil means no url-rewrite transform.
	URL []Rewrite
}

// TransformStatus is the outcome of a Transformer on one request.
type TransformStatus uint8

// Transform outcomes, as recorded in the access log's request_transform_status (TRF-06).
const (
	// TransformNone: the rule has no transform, or none of its regexes matched (TRF-04).
	TransformNone TransformStatus = iota
	// TransformApplied: at least one rewrite matched and produced a valid host or URL.
	TransformApplied
	// TransformFailed: a rewrite matched but produced an invalid host or URL; the load balancer
	// answers 500 (TRF-04).
	TransformFailed
)

// compiledRewrite is a Rewrite ready to run.
type compiledRewrite struct {
	re      *regexp.Regexp
	replace string
}

// Transformer applies one rule's compiled transforms. It is immutable and safe for concurrent
// use.
type Transformer struct {
	host, url []compiledRewrite
}

// NewTransformer compiles t. It returns nil, nil when t has no rewrite, so the router can skip
// the step with one nil check. Errors name each offending rewrite's path below at
// (`rules[0].transforms.url_rewrite_config.rewrites[0].regex: ...`).
func NewTransformer(t Transforms, at string) (*Transformer, error) {
	if len(t.HostHeader) == 0 && len(t.URL) == 0 {
		return nil, nil
	}
	var errs []error
	tr := &Transformer{}
	tr.host = compileRewrites(t.HostHeader, true, at+".host_header_rewrite_config", &errs)
	tr.url = compileRewrites(t.URL, false, at+".url_rewrite_config", &errs)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return tr, nil
}

// compileRewrites compiles rewrites, appending problems to errs. Host regexes ignore case, as
// host names do (CND-HOST); URL regexes do not.
func compileRewrites(rws []Rewrite, fold bool, at string, errs *[]error) []compiledRewrite {
	out := make([]compiledRewrite, 0, len(rws))
	for i, rw := range rws {
		p := fmt.Sprintf("%s.rewrites[%d]", at, i)
		switch {
		case rw.Regex == "":
			*errs = append(*errs, fmt.Errorf("%s.regex: is required (TRF-02)", p))
			continue
		case len(rw.Regex) > MaxRewriteLen:
			*errs = append(*errs, fmt.Errorf("%s.regex: must be at most %d characters (TRF-02), got %d", p, MaxRewriteLen, len(rw.Regex)))
			continue
		case len(rw.Replace) > MaxRewriteLen:
			*errs = append(*errs, fmt.Errorf("%s.replace: must be at most %d characters (TRF-02), got %d", p, MaxRewriteLen, len(rw.Replace)))
			continue
		}
		re, err := CompileRegex(rw.Regex, fold)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("%s.regex: %w", p, err))
			continue
		}
		out = append(out, compiledRewrite{re: re, replace: rw.Replace})
	}
	return out
}

// Apply runs the transforms on the request's host (r.Host as sent, port included) and request
// target (`path[?query]` as sent, TRF-05). It returns the new host and target — the inputs
// unchanged when no regex matched — and the outcome. A failed transform returns the inputs.
func (t *Transformer) Apply(host, target string) (newHost, newTarget string, status TransformStatus) {
	newHost, hostHit := rewrite(t.host, host)
	newTarget, urlHit := rewrite(t.url, target)
	if !hostHit && !urlHit {
		return host, target, TransformNone
	}
	if hostHit && !validHost(newHost) || urlHit && !validTarget(newTarget) {
		return host, target, TransformFailed
	}
	return newHost, newTarget, TransformApplied
}

// rewrite applies each rewrite in order to the output of the previous one. A rewrite replaces
// the leftmost match of its regex by the expanded replacement and leaves the rest of the subject
// as it was ("match a pattern ... and replace it", DOC:rule-transforms); hit reports whether any
// regex matched.
func rewrite(rws []compiledRewrite, s string) (out string, hit bool) {
	for _, rw := range rws {
		loc := rw.re.FindStringSubmatchIndex(s)
		if loc == nil {
			continue
		}
		hit = true
		var b []byte
		b = append(b, s[:loc[0]]...)
		b = rw.re.ExpandString(b, rw.replace, s, loc)
		b = append(b, s[loc[1]:]...)
		s = string(b)
	}
	return s, hit
}

// validHost reports whether h can be sent as a Host header: a reg-name, IPv4 or bracketed IPv6
// literal with an optional port (RFC 3986 authority without userinfo). An empty host, spaces,
// control characters, `/`, `?`, `#` and `@` make the transform fail (TRF-04, §12.9).
func validHost(h string) bool {
	if h == "" || len(h) > 255+6 || strings.ContainsAny(h, " /?#@\\") || hasControl(h) {
		return false
	}
	u, err := url.Parse("http://" + h + "/")
	return err == nil && u.Host == h && u.Hostname() != ""
}

// validTarget reports whether s can be sent as an origin-form request target: it starts with
// `/`, holds no space, control character or `#`, and its escapes are well formed (TRF-04,
// TRF-05: a rewrite cannot produce a scheme or authority).
func validTarget(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, " #") || hasControl(s) {
		return false
	}
	_, err := url.ParseRequestURI(s)
	return err == nil
}
