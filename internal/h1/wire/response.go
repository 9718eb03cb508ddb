package wire

import (
	"bytes"
	"errors"
)

// Errors of Response.Parse. A response that fails with any but ErrIncomplete cannot be relayed:
// the load balancer answers 502 (LIM-02, §7) and drops the target connection.
var (
	// ErrResponseTooLarge: the head exceeds the limit given to Parse (LIM-01: 32 K).
	ErrResponseTooLarge = errors.New("wire: response head too large")
	// ErrMalformedResponse: the head breaks RFC 9112 in a way a proxy must not relay.
	ErrMalformedResponse = errors.New("wire: malformed response head")
	// ErrResponseFraming: the body length cannot be determined as RFC 9112 §6.3 requires
	// (Content-Lengths that differ or are not numbers, a coding other than chunked last).
	ErrResponseFraming = errors.New("wire: response body length undeterminable")
)

// Response is a parsed HTTP/1.x response head, or a trailer section. Reuse one per connection:
// Parse resets it and keeps the capacity of Fields. Its slices point into the parsed buffer.
//
// The parser is strict where a proxy must be (RFC 9112 §5.1, §5.2, §6.3; RFC 9110 §5.5): a
// name that is not a token, whitespace before the colon, obs-fold, NUL, CR or LF in a value, or
// framing that cannot be determined are refused, so that nothing the target sent can be read one
// way here and another way by the client.
type Response struct {
	// Major and Minor are the version's digits (the major is always 1).
	Major, Minor int
	Status       int
	Reason       []byte
	Fields       []Field
	// ContentLength is the body length from Content-Length, or -1 when there is none (or when
	// Chunked overrides it).
	ContentLength int64
	// Chunked: Transfer-Encoding ends in chunked (only chunked is accepted).
	Chunked bool
	// Close: the target will close the connection after this response (Connection: close,
	// HTTP/1.0 without keep-alive), or its framing makes reuse unsafe (Transfer-Encoding
	// together with Content-Length, RFC 9112 §6.1).
	Close bool
	// Size is the bytes the head took.
	Size int
}

// Parse parses the response head at the start of buf, of at most limit bytes. It returns how
// many bytes the head took; the body starts at buf[n:]. With ErrIncomplete, read more and call
// Parse again on the whole buffer.
func (h *Response) Parse(buf []byte, limit int) (n int, err error) {
	h.reset()
	line, next, err := responseLine(buf, 0, limit)
	if err != nil {
		return 0, err
	}
	if err := h.parseStatusLine(line); err != nil {
		return 0, err
	}
	n, err = h.parseFields(buf, next, limit)
	if err != nil {
		return 0, err
	}
	if err := h.frame(); err != nil {
		return 0, err
	}
	h.Size = n
	return n, nil
}

// ParseTrailer parses a trailer section (field lines up to an empty line) at the start of buf,
// of at most limit bytes. Only Fields and Size are set.
func (h *Response) ParseTrailer(buf []byte, limit int) (n int, err error) {
	h.reset()
	n, err = h.parseFields(buf, 0, limit)
	if err != nil {
		return 0, err
	}
	h.Size = n
	return n, nil
}

func (h *Response) reset() {
	fields := h.Fields[:0]
	*h = Response{Fields: fields, ContentLength: -1}
}

// responseLine returns the line at buf[pos:] without its terminator (CRLF or a bare LF, which
// RFC 9112 §2.2 lets a recipient accept), and the position after it.
func responseLine(buf []byte, pos, limit int) (line []byte, next int, err error) {
	window := buf[pos:]
	if len(window) > limit-pos {
		window = window[:max(limit-pos, 0)]
	}
	i := bytes.IndexByte(window, '\n')
	if i < 0 {
		if pos+len(window) >= limit {
			return nil, 0, ErrResponseTooLarge
		}
		return nil, 0, ErrIncomplete
	}
	line = window[:i]
	if i > 0 && line[i-1] == '\r' {
		line = line[:i-1]
	}
	return line, pos + i + 1, nil
}

// parseStatusLine reads HTTP/1.d SP 3DIGIT [SP reason-phrase].
func (h *Response) parseStatusLine(line []byte) error {
	const prefix = "HTTP/1."
	if len(line) < len("HTTP/1.1 200") || string(line[:len(prefix)]) != prefix || !isDigit(line[7]) || line[8] != ' ' {
		return ErrMalformedResponse
	}
	h.Major, h.Minor = 1, int(line[7]-'0')
	code := line[9:12]
	if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] == '0' {
		return ErrMalformedResponse
	}
	h.Status = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	rest := line[12:]
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return ErrMalformedResponse
		}
		rest = rest[1:]
	}
	for _, c := range rest {
		if charClass[c]&charValue == 0 {
			return ErrMalformedResponse
		}
	}
	h.Reason = rest
	return nil
}

// parseFields reads field lines from pos up to the empty line and returns the position after it.
func (h *Response) parseFields(buf []byte, pos, limit int) (int, error) {
	for {
		line, next, err := responseLine(buf, pos, limit)
		if err != nil {
			return 0, err
		}
		pos = next
		if len(line) == 0 {
			return pos, nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			// Covers obs-fold (a line starting with whitespace) and whitespace before the
			// colon: a proxy must not relay either (RFC 9112 §5.1, §5.2).
			return 0, ErrMalformedResponse
		}
		value := trimOWS(line[colon+1:])
		for _, c := range value {
			if charClass[c]&charValue == 0 {
				return 0, ErrMalformedResponse
			}
		}
		h.Fields = append(h.Fields, Field{Name: line[:colon], Value: value})
	}
}

// frame applies RFC 9112 §6.3 to the response's own fields; the request method and the status
// decide later whether a body is there at all.
func (h *Response) frame() error {
	var te, cl bool
	keepAlive := false
	for _, f := range h.Fields {
		switch {
		case equalFold(f.Name, "content-length"):
			n, ok := parseLength(f.Value)
			if !ok || cl && n != h.ContentLength {
				return ErrResponseFraming
			}
			h.ContentLength, cl = n, true
		case equalFold(f.Name, "transfer-encoding"):
			if te {
				// Several fields read as one list; only a single chunked is accepted, so a
				// second field makes chunked appear twice or not last.
				return ErrResponseFraming
			}
			if !onlyChunked(f.Value) {
				return ErrResponseFraming
			}
			te = true
		case equalFold(f.Name, "connection"):
			for token := range bytes.SplitSeq(f.Value, []byte(",")) {
				token = trimOWS(token)
				if equalFold(token, "close") {
					h.Close = true
				} else if equalFold(token, "keep-alive") {
					keepAlive = true
				}
			}
		}
	}
	if te && h.Minor == 0 {
		// HTTP/1.0 has no Transfer-Encoding: recipients read such a body either way (net/http
		// until the close, others as chunked), so it is not relayed at all.
		return ErrResponseFraming
	}
	if te {
		h.Chunked = true
		if cl {
			h.Close = true
		}
		h.ContentLength = -1
	}
	if h.Minor == 0 && !keepAlive {
		h.Close = true
	}
	return nil
}

// onlyChunked reports a Transfer-Encoding of exactly "chunked" (any case, surrounding
// whitespace allowed). Other codings are refused: the proxy writes its own framing and would
// otherwise have to relay a coded body whose length only the target knows.
func onlyChunked(v []byte) bool { return equalFold(trimOWS(v), "chunked") }
