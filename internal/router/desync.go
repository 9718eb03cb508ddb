package router

import (
	"fmt"
	"net/http"
)

// This file classifies requests for desync mitigation (DSY-01) following the rules of
// aws/http-desync-guardian, and decides what each mode does with them (DSY-02). net/http parses
// the request before the router sees it: it rejects some requests itself (the listener turns
// those into the ALB's 400 page) and normalises others, so only what survives parsing can be
// classified here. docs/rules.md "Desync mitigation" lists every reason and who handles it.

// DesyncMode is routing.http.desync_mitigation_mode. The zero value is defensive, the default.
type DesyncMode uint8

// Desync mitigation modes (DSY-01).
const (
	DesyncDefensive DesyncMode = iota
	DesyncMonitor
	DesyncStrictest
)

// ParseDesyncMode reads the attribute value; "" is the default, defensive.
func ParseDesyncMode(s string) (DesyncMode, error) {
	switch s {
	case "", "defensive":
		return DesyncDefensive, nil
	case "monitor":
		return DesyncMonitor, nil
	case "strictest":
		return DesyncStrictest, nil
	}
	return 0, fmt.Errorf("routing.http.desync_mitigation_mode: unknown mode %q (want monitor, defensive or strictest)", s)
}

// Classification is a desync tier, from harmless to dangerous (DSY-01).
type Classification uint8

// Desync tiers, ordered so that a larger value is worse.
const (
	Compliant Classification = iota
	Acceptable
	Ambiguous
	Severe
)

// String is the access log's classification field (§8.2 field 28), "" for Compliant.
func (c Classification) String() string {
	return [...]string{"", "Acceptable", "Ambiguous", "Severe"}[c]
}

// verdict is a classification and the reason of the first finding of that tier.
type verdict struct {
	class  Classification
	reason string
}

// note keeps the worse of v and (class, reason); of two findings of one tier, the first wins.
func (v *verdict) note(class Classification, reason string) {
	if class > v.class {
		v.class, v.reason = class, reason
	}
}

// classify applies the http-desync-guardian rules that remain observable after net/http's
// parsing. HTTP/2 requests are out of the library's scope: they are Compliant.
func classify(r *http.Request) verdict {
	var v verdict
	if r.ProtoMajor != 1 {
		return v
	}
	if r.ProtoMinor > 1 {
		v.note(Acceptable, "NonCompliantVersion") // HTTP/1.2-1.9: net/http accepts them
	}
	classifyURI(&v, r.RequestURI)
	bodyless := r.Method == http.MethodGet || r.Method == http.MethodHead
	for name, values := range r.Header {
		if suspiciousName(name) {
			v.note(Ambiguous, "SuspiciousHeader")
		}
		for _, value := range values {
			classifyValue(&v, value)
		}
		if bodyless && name == "Content-Length" {
			if len(values) == 1 && values[0] == "0" {
				v.note(Acceptable, "GetHeadZeroContentLength")
			} else {
				v.note(Ambiguous, "UndefinedContentLengthSemantics")
			}
		}
	}
	if bodyless && len(r.TransferEncoding) > 0 {
		v.note(Ambiguous, "UndefinedTransferEncodingSemantics")
	}
	return v
}

// classifyURI looks for spaces and control characters in the request target. net/http refuses
// them on HTTP/1.x already; requests built by other front ends may still carry them.
func classifyURI(v *verdict, uri string) {
	for i := 0; i < len(uri); i++ {
		switch c := uri[i]; {
		case c == 0 || c == '\r':
			v.note(Severe, "BadUri")
		case c < 0x20 || c == 0x7f:
			v.note(Ambiguous, "AmbiguousUri")
		case c == ' ':
			v.note(Acceptable, "SpaceInUri")
		}
	}
}

// classifyValue grades one header value: NUL or CR is BadHeader, other control characters and
// non-ASCII bytes NonCompliantHeader. net/http refuses control characters other than tab, so
// on HTTP/1.x only obs-text (bytes 0x80-0xFF) arrives here.
func classifyValue(v *verdict, value string) {
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c == 0 || c == '\r':
			v.note(Severe, "BadHeader")
		case c >= 0x80 || c < 0x20 && c != '\t' || c == 0x7f:
			v.note(Acceptable, "NonCompliantHeader")
		}
	}
}

// suspiciousName reports a header name that is not Transfer-Encoding or Content-Length but
// becomes one of them once case is folded and everything but letters is dropped
// (`Transfer_Encoding`, `Content.Length`, `-Content-Length`): engines that normalise
// delimiters would see a framing header the load balancer ignored.
func suspiciousName(name string) bool {
	if name == "Content-Length" || name == "Transfer-Encoding" || len(name) < len("contentlength") {
		return false
	}
	var buf [32]byte
	letters := buf[:0]
	for i := 0; i < len(name) && len(letters) < len(buf); i++ {
		c := name[i] | 0x20
		if 'a' <= c && c <= 'z' {
			letters = append(letters, c)
		}
	}
	s := string(letters)
	return s == "contentlength" || s == "transferencoding"
}

// desyncAction is what DSY-02's matrix does with a request.
type desyncAction uint8

const (
	desyncAllow desyncAction = iota
	desyncAllowThenClose
	desyncBlock
)

// action applies DSY-02: monitor allows everything; defensive blocks Severe and closes both
// connections after an Ambiguous request; strictest blocks anything not Compliant.
func (m DesyncMode) action(c Classification) desyncAction {
	switch {
	case c == Compliant || m == DesyncMonitor:
		return desyncAllow
	case m == DesyncStrictest || c == Severe:
		return desyncBlock
	case c == Ambiguous:
		return desyncAllowThenClose
	}
	return desyncAllow
}

// validHeaderName reports whether name matches [-A-Za-z0-9]+, the names DSY-03 keeps.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// dropInvalidHeaders removes headers whose names DSY-03 calls invalid.
func dropInvalidHeaders(h http.Header) {
	for name := range h {
		if !validHeaderName(name) {
			delete(h, name)
		}
	}
}
