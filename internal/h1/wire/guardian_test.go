package wire

import (
	"strings"
	"testing"
)

// post builds a POST /foo/bar HTTP/1.1 head with the given field lines.
func post(lines ...string) string {
	return "POST /foo/bar HTTP/1.1\r\nHost: a\r\n" + strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// reqLine builds a head from a request line and field lines.
func reqLine(line string, fields ...string) string {
	s := line + "\r\nHost: a\r\n"
	for _, f := range fields {
		s += f + "\r\n"
	}
	return s + "\r\n"
}

// guardianCase is one request and its expected verdict and framing. The cases follow the
// scenarios of aws/http-desync-guardian's tests/*.yaml (compliant, acceptable, ambiguous,
// severe, bad characters, URIs), rewritten as raw HTTP/1.1 heads. Where the raw form changes
// what the guardian's pre-parsed form reports, or where Albatross decides differently, the
// case says so; docs/engine.md lists the departures.
type guardianCase struct {
	name    string
	raw     string
	reason  Reason
	framing Framing
}

var guardianCases = []guardianCase{
	// Compliant.
	{"simple GET", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", ReasonNone, FramingNone},
	{"POST with length", post("Content-Length: 10"), ReasonNone, FramingLength},
	{"POST chunked", post("Transfer-Encoding: chunked"), ReasonNone, FramingChunked},
	{"chunked is case-insensitive", post("Transfer-Encoding: Chunked"), ReasonNone, FramingChunked},
	{"gzip then chunked", post("Transfer-Encoding: gzip, chunked"), ReasonNone, FramingChunked},
	{"codings over two fields", post("Transfer-Encoding: gzip", "Transfer-Encoding: chunked"), ReasonNone, FramingChunked},
	{"tchars in name", post("X-!#$%&'*+.^_`|~: 1", "Content-Length: 0"), ReasonNone, FramingLength},
	{"obs-text in value", post("X-Name: caf\xc3\xa9"), ReasonNone, FramingNone},
	{"tabs and spaces in value", post("X-Ows: \t a \t b \t"), ReasonNone, FramingNone},
	{"empty value", post("X-Empty:"), ReasonNone, FramingNone},
	{"HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", ReasonNone, FramingNone},
	{"absolute form", reqLine("GET http://a/b?c=d HTTP/1.1"), ReasonNone, FramingNone},
	{"asterisk form", reqLine("OPTIONS * HTTP/1.1"), ReasonNone, FramingNone},
	{"authority form", reqLine("CONNECT a:443 HTTP/1.1"), ReasonNone, FramingNone},
	{"identity alone frames nothing", post("Transfer-Encoding: identity"), ReasonNone, FramingNone},
	{"coding parameters", post("Transfer-Encoding: chunked;q=1"), ReasonNone, FramingChunked},
	{"content-length zero on POST", post("Content-Length: 0"), ReasonNone, FramingLength},

	// Acceptable.
	{"control character in value", post("X-Ctl: a\x01b"), ReasonNonCompliantHeader, FramingNone},
	{"DEL in value", post("X-Del: a\x7fb"), ReasonNonCompliantHeader, FramingNone},
	{"space in name", post("X Name: 1"), ReasonNonCompliantHeader, FramingNone},
	{"tab in name", post("X-Tab\t: 1"), ReasonNonCompliantHeader, FramingNone},
	{"non-ASCII name", post("X-Caf\xc3\xa9: 1"), ReasonNonCompliantHeader, FramingNone},
	{"space in URI", reqLine("GET /a b HTTP/1.1"), ReasonSpaceInURI, FramingNone},
	{"HTTP/1.2", reqLine("GET / HTTP/1.2"), ReasonNonCompliantVersion, FramingNone},
	{"HTTP/1.9", reqLine("GET / HTTP/1.9"), ReasonNonCompliantVersion, FramingNone},
	{"HTTP/0.9 explicit", reqLine("GET / HTTP/0.9"), ReasonNonCompliantVersion, FramingNone},
	{"missing version is HTTP/0.9", "GET /\r\n\r\n", ReasonNonCompliantVersion, FramingNone},
	{"two spaces before the version", reqLine("GET /  HTTP/1.1"), ReasonNonCompliantVersion, FramingNone},
	{"two spaces before the target", reqLine("GET  / HTTP/1.1"), ReasonNonCompliantVersion, FramingNone},
	{"trailing space after the version", reqLine("GET / HTTP/1.1 "), ReasonNonCompliantVersion, FramingNone},
	{"GET with Content-Length 0", reqLine("GET / HTTP/1.1", "Content-Length: 0"), ReasonGetHeadZeroContentLength, FramingLength},
	{"HEAD with Content-Length 0", reqLine("HEAD / HTTP/1.1", "Content-Length: 0"), ReasonGetHeadZeroContentLength, FramingLength},
	{"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", ReasonNonCrLfLineTermination, FramingNone},
	{"one bare LF", "GET / HTTP/1.1\r\nHost: a\n\r\n", ReasonNonCrLfLineTermination, FramingNone},
	{"non-compliant header before space in URI: first of the tier wins", reqLine("GET /a b HTTP/1.1", "X: \x01"), ReasonNonCompliantHeader, FramingNone},

	// Ambiguous.
	{"Transfer-Encoding with space before colon", post("Transfer-Encoding : chunked"), ReasonSuspiciousHeader, FramingNone},
	{"Transfer-Encoding with tab before colon", post("Transfer-Encoding\t: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"CTL before Transfer-Encoding", post("\x01Transfer-Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"two CTLs before Content-Length", post("\x01\x01Content-Length: 1"), ReasonSuspiciousHeader, FramingNone},
	{"space inside Transfer-Encoding", post("Transfer- Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"Transfer_Encoding", post("Transfer_Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"Content_Length", post("Content_Length: 1000"), ReasonSuspiciousHeader, FramingNone},
	{"Content.Length", post("Content.Length: 1000"), ReasonSuspiciousHeader, FramingNone},
	{"-Content-Length", post("-Content-Length: 1000"), ReasonSuspiciousHeader, FramingNone},
	{"Transfer---Encoding", post("Transfer---Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"Transfer-Encoding x", post("Transfer-Encoding x: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"transfer-encoding XY", post("transfer-encoding XY: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"long s", post("Tran\xc5\xbffer-Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"dotless i", post("Transfer-Encod\xc4\xb1ng: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"UTF-8 dash", post("Transfer\xe2\x80\x95Encoding: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"trailing non-ASCII", post("Transfer-Encoding\x88: chunked"), ReasonSuspiciousHeader, FramingNone},
	{"leading NBSP", post("\xa0Content-Length: 100"), ReasonSuspiciousHeader, FramingNone},
	{"suspicious before a real Content-Length", post("Transfer-Encoding : chunked", "Content-Length: 10"), ReasonSuspiciousHeader, FramingLength},
	{"a longer name is another header", post("Transfer-Encodings: chunked"), ReasonNone, FramingNone},
	{"digits make another header", post("Content-Length2: 1"), ReasonNone, FramingNone},
	{"duplicate Content-Length", post("Content-Length: 1000", "Content-Length: 1000"), ReasonDuplicateContentLength, FramingLength},
	{"TE chunked and CL", post("Transfer-Encoding: chunked", "Content-Length: 100"), ReasonBothTeClPresent, FramingChunked},
	{"CL and TE chunked", post("Content-Length: 100", "Transfer-Encoding: chunked"), ReasonBothTeClPresent, FramingChunked},
	{"TE identity and CL: framed by CL", post("Transfer-Encoding: identity", "Content-Length: 3"), ReasonBothTeClPresent, FramingLength},
	{"GET with Content-Length", reqLine("GET / HTTP/1.1", "Content-Length: 1000"), ReasonUndefinedContentLengthSemantics, FramingLength},
	{"HEAD with Content-Length", reqLine("HEAD / HTTP/1.1", "Content-Length: 1000"), ReasonUndefinedContentLengthSemantics, FramingLength},
	{"GET with Transfer-Encoding", reqLine("GET / HTTP/1.1", "Transfer-Encoding: chunked"), ReasonUndefinedTransferEncodingSemantics, FramingChunked},
	{"HEAD with Transfer-Encoding", reqLine("HEAD / HTTP/1.1", "Transfer-Encoding: chunked"), ReasonUndefinedTransferEncodingSemantics, FramingChunked},
	{"TE on HTTP/1.0", reqLine("POST / HTTP/1.0", "Transfer-Encoding: chunked"), ReasonUndefinedTransferEncodingSemantics, FramingChunked},
	{"TE on HTTP/0.9", reqLine("POST / HTTP/0.9", "Transfer-Encoding: chunked"), ReasonUndefinedTransferEncodingSemantics, FramingChunked},
	{"CL on HTTP/0.9", reqLine("POST / HTTP/0.9", "Content-Length: 100"), ReasonUndefinedContentLengthSemantics, FramingLength},
	{"empty header name", post(": chunked", "Content-Length: 1000"), ReasonEmptyHeader, FramingLength},
	{"name starting with a colon", post(":SomeHeader:Transfer-Encoding: chunked", "Content-Length: 1000"), ReasonEmptyHeader, FramingLength},
	// On the wire a line that starts with whitespace reads as a fold first.
	{"whitespace-only name", post("   \t\t  : chunked", "Content-Length: 1000"), ReasonMultilineHeader, FramingLength},
	{"whitespace-only line after a field", "POST / HTTP/1.1\r\nHost: a\r\n  \r\n\r\n", ReasonMultilineHeader, FramingNone},
	{"whitespace-only line first", "POST / HTTP/1.1\r\n \t\r\nHost: a\r\n\r\n", ReasonMultilineHeader, FramingNone},
	{"control character in URI", reqLine("GET /a\x01b HTTP/1.1"), ReasonAmbiguousURI, FramingNone},
	{"tab in URI", reqLine("GET /a\tb HTTP/1.1"), ReasonAmbiguousURI, FramingNone},
	{"DEL in URI", reqLine("GET /a\x7fb HTTP/1.1"), ReasonAmbiguousURI, FramingNone},
	{"obs-fold", post("X-Fold: a", " b"), ReasonMultilineHeader, FramingNone},
	{"obs-fold with tab", post("X-Fold: a", "\tb"), ReasonMultilineHeader, FramingNone},
	// The guardian exempts Content-Type from MultilineHeader; a fold is a fold (docs/engine.md).
	{"obs-fold of Content-Type", post("Content-Type: text/plain;", " charset=utf-8"), ReasonMultilineHeader, FramingNone},
	// A fold is part of the previous value however much it looks like a field (RFC 9112 §5.2).
	{"fold mimicking Transfer-Encoding", post("X-A: 1", " Transfer-Encoding: chunked", "Content-Length: 10"), ReasonMultilineHeader, FramingLength},
	// Whitespace before the first field: consumed without processing (RFC 9112 §2.2).
	{"leading whitespace on the first field", "POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: a\r\n\r\n", ReasonMultilineHeader, FramingNone},
	{"missing colon", post("X-No-Colon"), ReasonMissingHeaderColon, FramingNone},
	{"missing URI", reqLine("GET HTTP/1.1"), ReasonMissingURI, FramingNone},
	{"method alone", reqLine("GET"), ReasonMissingURI, FramingNone},
	{"method and spaces", reqLine("GET  "), ReasonMissingURI, FramingNone},
	{"Ambiguous outranks Acceptable", reqLine("GET /a b HTTP/1.1", "Content_Length: 1"), ReasonSuspiciousHeader, FramingNone},

	// Severe.
	{"different Content-Lengths", post("Content-Length: 1000", "Content-Length: 100"), ReasonMultipleContentLength, FramingInvalid},
	{"Content-Length list", post("Content-Length: 1000,1000"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length with space", post("Content-Length: 1000 1000"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length with dot", post("Content-Length: 1000.1000"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length overflow", post("Content-Length: 18446744073709551616"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length past int64", post("Content-Length: 9223372036854775808"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length sign", post("Content-Length: +10"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length negative", post("Content-Length: -1"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length empty", post("Content-Length:"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length hex", post("Content-Length: 0x10"), ReasonBadContentLength, FramingInvalid},
	{"Content-Length with CTL", post("Content-Length: 1000\x11"), ReasonBadContentLength, FramingInvalid},
	{"unknown coding", post("Transfer-Encoding: xchunked"), ReasonBadTransferEncoding, FramingInvalid},
	{"coding with CTL", post("Transfer-Encoding: chunked\x11"), ReasonBadTransferEncoding, FramingInvalid},
	{"empty coding", post("Transfer-Encoding:"), ReasonBadTransferEncoding, FramingInvalid},
	{"trailing comma", post("Transfer-Encoding: chunked,"), ReasonBadTransferEncoding, FramingInvalid},
	{"chunked not last", post("Transfer-Encoding: chunked, gzip"), ReasonBadTransferEncoding, FramingInvalid},
	{"gzip alone", post("Transfer-Encoding: gzip"), ReasonBadTransferEncoding, FramingInvalid},
	{"gzip with CL: unframeable beats BothTeClPresent", post("Transfer-Encoding: gzip", "Content-Length: 100"), ReasonBadTransferEncoding, FramingInvalid},
	{"chunked then identity", post("Transfer-Encoding: chunked, identity"), ReasonNone, FramingChunked},
	{"chunked twice in one field", post("Transfer-Encoding: chunked,chunked"), ReasonMultipleTransferEncodingChunked, FramingInvalid},
	{"chunked twice in two fields", post("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), ReasonMultipleTransferEncodingChunked, FramingInvalid},
	{"chunked, gzip, chunked", post("Transfer-Encoding: chunked, gzip, chunked"), ReasonMultipleTransferEncodingChunked, FramingInvalid},
	{"CR in value", post("X-Bad: value\rcontent-length: 1000", "Content-Length: 100"), ReasonBadHeader, FramingLength},
	{"NUL in value", post("X-Bad: value\x00content-length: 1000", "Content-Length: 100"), ReasonBadHeader, FramingLength},
	{"NUL at the start of a value", post("X-Bad: \x00value"), ReasonBadHeader, FramingNone},
	{"NUL at the end of a value", post("X-Bad: value\x00"), ReasonBadHeader, FramingNone},
	{"CR in name", post("X-Bad\r: 1000"), ReasonBadHeader, FramingNone},
	{"NUL in name", post("X-Bad\x00: 1000"), ReasonBadHeader, FramingNone},
	{"NUL at the start of a line", post("\x00X-Bad: value", "Content-Length: 100"), ReasonBadHeader, FramingLength},
	{"bare CR line end", "POST / HTTP/1.1\r\nX-A: 1\rX-B: 2\r\nHost: a\r\n\r\n", ReasonBadHeader, FramingNone},
	{"bad method", reqLine("bad_method\x01 / HTTP/1.1"), ReasonBadMethod, FramingNone},
	{"method with slash", reqLine("GE/T / HTTP/1.1"), ReasonBadMethod, FramingNone},
	{"empty method", reqLine(" / HTTP/1.1"), ReasonBadMethod, FramingNone},
	{"bad version", reqLine("GET / HTTP/1.x"), ReasonBadVersion, FramingNone},
	{"lowercase version", reqLine("GET / http/1.1"), ReasonBadVersion, FramingNone},
	{"space in URI without version", reqLine("GET /a b"), ReasonBadVersion, FramingNone},
	{"version 2.0 on HTTP/1", reqLine("GET / HTTP/2.0"), ReasonBadVersion, FramingNone},
	{"version 1.10", reqLine("GET / HTTP/1.10"), ReasonBadVersion, FramingNone},
	{"version HTTP/", reqLine("GET / HTTP/"), ReasonBadVersion, FramingNone},
	{"NUL in URI", reqLine("GET /a\x00b HTTP/1.1"), ReasonBadURI, FramingNone},
	{"CR in URI", reqLine("GET /a\rb HTTP/1.1"), ReasonBadURI, FramingNone},
	{"BadHeader before BadMethod: first of the tier wins", reqLine("G\x01T / HTTP/1.1", "X: \x00"), ReasonBadHeader, FramingNone},
	{"Severe outranks Ambiguous", post("Content_Length: 1", "Content-Length: x"), ReasonBadContentLength, FramingInvalid},
}

func TestGuardianCases(t *testing.T) {
	var h Head
	for _, tc := range guardianCases {
		t.Run(tc.name, func(t *testing.T) {
			buf := []byte(tc.raw)
			n, err := h.Parse(buf)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.raw, err)
			}
			if n != len(tc.raw) {
				t.Errorf("Parse consumed %d of %d bytes", n, len(tc.raw))
			}
			want := Verdict{Class: tc.reason.Class(), Reason: tc.reason}
			if h.Verdict != want {
				t.Errorf("Parse(%q) = %s/%s, want %s/%s", tc.raw, h.Verdict.Class, h.Verdict.Reason, want.Class, want.Reason)
			}
			if h.Framing != tc.framing {
				t.Errorf("Parse(%q) framing = %d, want %d", tc.raw, h.Framing, tc.framing)
			}
		})
	}
}

// TestEveryReasonHasACase keeps the table complete: every reason a raw head can produce
// appears in it.
func TestEveryReasonHasACase(t *testing.T) {
	seen := map[Reason]bool{}
	for _, tc := range guardianCases {
		seen[tc.reason] = true
	}
	// PartialHeaderLine and MissingLastEmptyLine describe a head cut short; a streaming parser
	// waits for the rest instead (ErrIncomplete), see docs/engine.md.
	unreachable := map[Reason]bool{ReasonPartialHeaderLine: true, ReasonMissingLastEmptyLine: true}
	for r := ReasonNone; r < numReasons; r++ {
		if !seen[r] && !unreachable[r] {
			t.Errorf("no case for %s", r)
		}
	}
}
