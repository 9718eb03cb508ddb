package wire

import (
	"bytes"
	"errors"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// Errors of Parse. Each but ErrIncomplete ends the connection with the status LIM-02 gives.
var (
	// ErrIncomplete: the buffer does not hold a whole head yet; read more and parse again.
	ErrIncomplete = errors.New("wire: incomplete request head")
	// ErrRequestLineTooLong: the request line exceeds LIM-01's 16 K (414).
	ErrRequestLineTooLong = errors.New("wire: request line too long")
	// ErrHeaderLineTooLong: one header line exceeds LIM-01's 16 K (400).
	ErrHeaderLineTooLong = errors.New("wire: header line too long")
	// ErrHeadTooLarge: the header lines together exceed LIM-01's 64 K (400).
	ErrHeadTooLarge = errors.New("wire: request header block too large")
	// ErrEmptyLines: more empty lines before the request line than a client would send (400).
	ErrEmptyLines = errors.New("wire: too many empty lines before the request line")
)

// Limits of LIM-01, counted on the bytes as received, line terminators included.
const (
	maxRequestLine = elberr.MaxRequestLineBytes
	maxHeaderLine  = elberr.MaxHeaderLineBytes
	maxHeaderBlock = elberr.MaxRequestHeaderBytes
	// maxLeadingEmptyLines bounds the empty lines skipped before a request line (RFC 9112 §2.2).
	maxLeadingEmptyLines = 8
)

// FieldFlags describe what is wrong with one field line. The connection loop uses them to
// decide what it may forward; classification already accounts for them.
type FieldFlags uint8

// Field flags.
const (
	// FieldNameNotToken: the name has a byte outside RFC 9110's tchar (space, CTL, non-ASCII, ...).
	FieldNameNotToken FieldFlags = 1 << iota
	// FieldBadBytes: the name or value holds NUL, CR or LF.
	FieldBadBytes
	// FieldNoColon: the line had no colon; Name is the whole line and Value is empty.
	FieldNoColon
	// FieldFolded: the value was continued with obs-fold; Parse replaced the folds with spaces.
	FieldFolded
	// FieldValueNotCompliant: the value holds a control character other than HTAB.
	FieldValueNotCompliant
)

// Field is one header field line. Name keeps its case; Value has its surrounding whitespace
// removed. Both point into the parsed buffer.
type Field struct {
	Name  []byte
	Value []byte
	Flags FieldFlags
}

// Framing is how the request body is delimited (RFC 9112 §6.3).
type Framing uint8

// Framings.
const (
	// FramingNone: no body.
	FramingNone Framing = iota
	// FramingLength: ContentLength bytes follow.
	FramingLength
	// FramingChunked: a chunked body follows.
	FramingChunked
	// FramingInvalid: the body length cannot be determined; the answer is 400 and close in every
	// mode, monitor included, because no byte after this head can be trusted.
	FramingInvalid
)

// Head is a parsed request head. Reuse one per connection: Parse resets it and keeps the
// capacity of Fields, so that a steady stream of requests allocates nothing.
type Head struct {
	// Method, Target and Proto are the request line's three parts; Proto is empty for a line
	// without a version (HTTP/0.9).
	Method, Target, Proto []byte
	// Major and Minor are the version's digits when Proto is well formed; 0.9 without Proto.
	Major, Minor int
	Fields       []Field
	Framing      Framing
	// ContentLength is the body length when Framing is FramingLength.
	ContentLength int64
	Verdict       Verdict
	// MustClose: RFC 9112 requires closing the connection after the response whatever the mode
	// (Transfer-Encoding with Content-Length, §6.1; Transfer-Encoding on HTTP/1.0, §6.1).
	MustClose bool
	// HostCount is how many Host fields arrived; RFC 9112 §3.2 requires exactly one on HTTP/1.1.
	HostCount int
	// RequestLineBytes and HeaderBytes are the sizes as received, terminators included; Size is
	// the whole head, leading empty lines and the final empty line included.
	RequestLineBytes, HeaderBytes, Size int
	// teFields and clFields index the Transfer-Encoding and Content-Length fields.
	teFields, clFields [4]uint16
	nTE, nCL           int
}

// Reset empties h, keeping its capacity.
func (h *Head) Reset() {
	fields := h.Fields[:0]
	*h = Head{Fields: fields}
}

// Parse parses the head at the start of buf. It returns the number of bytes the head took, so
// that the body (or the next pipelined request) starts at buf[n:]. With ErrIncomplete, read more
// bytes and call Parse again on the whole buffer. On success Parse may have rewritten obs-fold
// line breaks in buf to spaces (RFC 9112 §5.2): parse a given buffer once.
func (h *Head) Parse(buf []byte) (n int, err error) {
	h.Reset()
	var v Verdict
	pos := 0
	// A server SHOULD ignore at least one empty line before the request line (RFC 9112 §2.2):
	// some clients send a CRLF after a POST body.
	for skipped := 0; ; skipped++ {
		if pos < len(buf) && buf[pos] == '\n' {
			pos++
		} else if pos+1 < len(buf) && buf[pos] == '\r' && buf[pos+1] == '\n' {
			pos += 2
		} else if pos+1 == len(buf) && buf[pos] == '\r' {
			return 0, ErrIncomplete
		} else {
			break
		}
		if skipped == maxLeadingEmptyLines {
			return 0, ErrEmptyLines
		}
	}
	line, next, ok := nextLine(buf, pos, maxRequestLine, &v)
	if !ok {
		if next < 0 {
			return 0, ErrRequestLineTooLong
		}
		return 0, ErrIncomplete
	}
	h.RequestLineBytes = next - pos
	h.parseRequestLine(line, &v)
	pos = next

	folded := false
	for {
		start := pos
		line, next, ok = nextLine(buf, pos, maxHeaderLine, &v)
		if !ok {
			if next < 0 {
				return 0, ErrHeaderLineTooLong
			}
			if len(buf)-start+h.HeaderBytes > maxHeaderBlock+len("\r\n") {
				return 0, ErrHeadTooLarge
			}
			return 0, ErrIncomplete
		}
		pos = next
		if len(line) == 0 {
			break
		}
		h.HeaderBytes += next - start
		if h.HeaderBytes > maxHeaderBlock {
			return 0, ErrHeadTooLarge
		}
		if isOWS(line[0]) {
			h.continueField(line, &v)
			folded = true
			continue
		}
		h.addField(line, &v)
	}
	h.Size = pos
	if folded {
		unfold(h.Fields)
	}
	h.classify(&v)
	h.Verdict = v
	return pos, nil
}

// nextLine returns the line starting at buf[pos] without its terminator and the position after
// it. ok is false when no LF arrived yet (next is 0) or the line with its terminator would be
// longer than limit (next is -1). A line ending in a bare LF is noted as NonCrLfLineTermination.
func nextLine(buf []byte, pos, limit int, v *Verdict) (line []byte, next int, ok bool) {
	window := buf[pos:]
	if len(window) > limit {
		window = window[:limit]
	}
	i := bytes.IndexByte(window, '\n')
	if i < 0 {
		if len(window) == limit {
			return nil, -1, false
		}
		return nil, 0, false
	}
	line = window[:i]
	if i > 0 && line[i-1] == '\r' {
		line = line[:i-1]
	} else {
		v.note(ReasonNonCrLfLineTermination)
	}
	return line, pos + i + 1, true
}

// parseRequestLine splits method SP request-target SP HTTP-version. Extra spaces around the
// target are tolerated (NonCompliantVersion, as the guardian names "extra spaces"); the last
// space-separated token is the version, as the guardian reads it, so that spaces inside the
// target are SpaceInUri; a line of two tokens is HTTP/0.9 unless the second is a version.
func (h *Head) parseRequestLine(line []byte, v *Verdict) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		h.Method = line
		v.note(ReasonMissingURI)
		return
	}
	h.Method = line[:sp]
	rest := line[sp+1:]
	trimmed := trimSP(rest)
	if len(trimmed) != len(rest) {
		v.note(ReasonNonCompliantVersion)
	}
	if len(trimmed) == 0 {
		v.note(ReasonMissingURI)
		return
	}
	last := bytes.LastIndexByte(trimmed, ' ')
	if last < 0 {
		if bytes.HasPrefix(trimmed, []byte("HTTP/1.")) {
			h.Proto = trimmed // "GET HTTP/1.1": the target is missing, not the version
			v.note(ReasonMissingURI)
			return
		}
		// No version: an HTTP/0.9 simple request.
		h.Target = trimmed
		v.note(ReasonNonCompliantVersion)
		return
	}
	candidate := trimmed[last+1:]
	h.Proto = candidate
	target := trimSP(trimmed[:last])
	if len(target) != last {
		v.note(ReasonNonCompliantVersion)
	}
	h.Target = target
	if len(target) == 0 {
		v.note(ReasonMissingURI)
	}
}

// addField records a "name: value" line.
func (h *Head) addField(line []byte, v *Verdict) {
	colon := bytes.IndexByte(line, ':')
	f := Field{}
	if colon < 0 {
		f.Name, f.Flags = line, FieldNoColon
		if len(trimOWS(line)) == 0 {
			v.note(ReasonEmptyHeader)
		} else {
			v.note(ReasonMissingHeaderColon)
		}
	} else {
		f.Name, f.Value = line[:colon], trimOWS(line[colon+1:])
	}
	h.Fields = append(h.Fields, f)
}

// continueField handles a line that starts with whitespace. After a field it is obs-fold, a
// continuation of that field whatever it holds (RFC 9112 §5.2), so " Transfer-Encoding: chunked"
// there is part of the previous value, as net/http reads it too; before the first field it is
// consumed without further processing (RFC 9112 §2.2). Either way it is MultilineHeader.
func (h *Head) continueField(line []byte, v *Verdict) {
	v.note(ReasonMultilineHeader)
	if len(h.Fields) == 0 {
		return
	}
	rest := trimOWS(line)
	if len(rest) == 0 {
		return
	}
	f := &h.Fields[len(h.Fields)-1]
	// Extend the value over the line break: both slices lie in the same buffer, in order, so
	// the difference of their capacities is the distance between their starts.
	if len(f.Value) == 0 {
		f.Value = rest
	} else {
		f.Value = f.Value[:cap(f.Value)-cap(rest)+len(rest)]
	}
	f.Flags |= FieldFolded
}

// unfold replaces each obs-fold of a folded value, with the whitespace around it, by one space,
// moving the value's bytes left inside the caller's buffer (RFC 9112 §5.2 lets a recipient
// replace a fold by SP). The value then reads as net/http's does, without a copy.
func unfold(fields []Field) {
	for i := range fields {
		f := &fields[i]
		if f.Flags&FieldFolded == 0 {
			continue
		}
		value, w := f.Value, 0
		for r := 0; r < len(value); r++ {
			c := value[r]
			if c != '\r' && c != '\n' {
				value[w] = c
				w++
				continue
			}
			for w > 0 && isOWS(value[w-1]) {
				w--
			}
			for r+1 < len(value) && (isOWS(value[r+1]) || value[r+1] == '\r' || value[r+1] == '\n') {
				r++
			}
			value[w] = ' '
			w++
		}
		f.Value = value[:w]
	}
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

func trimOWS(b []byte) []byte {
	for len(b) > 0 && isOWS(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isOWS(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func trimSP(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
