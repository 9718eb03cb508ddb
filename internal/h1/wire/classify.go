package wire

import "math"

// classify grades a parsed head in the guardian's order (header lines, then Transfer-Encoding
// and Content-Length, then method, version and target), so that of two reasons of one tier the
// one the guardian reports first is kept. It also settles the framing.
func (h *Head) classify(v *Verdict) {
	h.setVersion()
	for i := range h.Fields {
		h.classifyField(i, v)
	}
	h.checkFraming(v)
	if !isToken(h.Method) {
		v.note(ReasonBadMethod)
	}
	h.checkVersion(v)
	checkTarget(h.Target, v)
}

// classifyField grades the characters of one field and files it as Transfer-Encoding,
// Content-Length or Host.
func (h *Head) classifyField(i int, v *Verdict) {
	f := &h.Fields[i]
	nameTier, valueTier := nameClass(f.Name), valueClass(f.Value)
	if nameTier != Compliant {
		f.Flags |= FieldNameNotToken
	}
	if valueTier == Acceptable {
		f.Flags |= FieldValueNotCompliant
	}
	switch {
	case nameTier == Severe || valueTier == Severe:
		f.Flags |= FieldBadBytes
		v.note(ReasonBadHeader)
	case nameTier == Acceptable || valueTier == Acceptable:
		v.note(ReasonNonCompliantHeader)
	}
	if f.Flags&FieldNoColon != 0 {
		return // already EmptyHeader or MissingHeaderColon; its "name" is a whole line
	}
	if len(trimOWS(f.Name)) == 0 {
		v.note(ReasonEmptyHeader)
		return
	}
	switch {
	case equalFold(f.Name, "transfer-encoding"):
		h.fileField(&h.teFields, &h.nTE, i)
	case equalFold(f.Name, "content-length"):
		h.fileField(&h.clFields, &h.nCL, i)
	case equalFold(f.Name, "host"):
		h.HostCount++
	case f.Flags&FieldBadBytes == 0 && (looksLike(f.Name, "transferencoding") || looksLike(f.Name, "contentlength")):
		v.note(ReasonSuspiciousHeader)
	}
}

// fileField remembers field i in a small index. More than four Transfer-Encoding or
// Content-Length fields are not needed to decide anything the first four did not.
func (h *Head) fileField(idx *[4]uint16, n *int, i int) {
	if *n < len(idx) {
		idx[*n] = uint16(i)
	}
	*n++
}

// indexed returns the filed fields (at most four).
func indexed(idx *[4]uint16, n int) []uint16 { return idx[:min(n, len(idx))] }

// checkFraming applies RFC 9112 §6 and the guardian's Transfer-Encoding and Content-Length
// rules. A request whose body length cannot be known is FramingInvalid and always Severe.
func (h *Head) checkFraming(v *Verdict) {
	if h.nTE == 0 && h.nCL == 0 {
		return
	}
	oldVersion := h.Major == 0 || h.Major == 1 && h.Minor == 0
	if h.nTE > 0 && oldVersion {
		v.note(ReasonUndefinedTransferEncodingSemantics)
		h.MustClose = true // RFC 9112 §6.1: treat as faulty framing, close after responding
	}
	if h.nCL > 0 && h.Major == 0 {
		v.note(ReasonUndefinedContentLengthSemantics)
	}

	chunked, teValid, teCodings := h.checkTransferEncoding(v)
	length, clValid := h.checkContentLength(v)
	if string(h.Method) == "GET" || string(h.Method) == "HEAD" {
		if h.nTE > 0 {
			v.note(ReasonUndefinedTransferEncodingSemantics)
		}
		if h.nCL > 0 && clValid {
			if length == 0 {
				v.note(ReasonGetHeadZeroContentLength)
			} else {
				v.note(ReasonUndefinedContentLengthSemantics)
			}
		}
	}
	if h.nCL > 0 && clValid && h.nTE > 0 {
		v.note(ReasonBothTeClPresent)
		h.MustClose = true // RFC 9112 §6.1: ought to be handled as an error; close after responding
	}

	switch {
	case h.nCL > 0 && !clValid, h.nTE > 0 && !teValid:
		h.Framing = FramingInvalid
	case chunked:
		h.Framing = FramingChunked
	case teCodings:
		// Codings whose last is not chunked: the length of a request body is unknowable
		// (RFC 9112 §6.3 item 4), so it is refused; checkTransferEncoding noted it.
		h.Framing = FramingInvalid
	case h.nCL > 0:
		h.Framing, h.ContentLength = FramingLength, length
	}
}

// checkTransferEncoding validates every coding of every Transfer-Encoding field. chunked reports
// a valid list whose last coding is chunked, applied once; codings reports a coding other than
// identity, which RFC 9112 dropped and the guardian still accepts: alone, it frames nothing.
func (h *Head) checkTransferEncoding(v *Verdict) (chunked, valid, codings bool) {
	valid = true
	seenChunked, lastChunked := false, false
	for _, i := range indexed(&h.teFields, h.nTE) {
		value := h.Fields[i].Value
		for {
			item, rest, more := cut(value, ',')
			coding := trimOWS(item)
			if j := indexByte(coding, ';'); j >= 0 {
				coding = trimOWS(coding[:j])
			}
			switch {
			case equalFold(coding, "chunked"):
				if seenChunked {
					v.note(ReasonMultipleTransferEncodingChunked)
					valid = false
				}
				seenChunked, lastChunked, codings = true, true, true
			case equalFold(coding, "identity"):
			case equalFold(coding, "gzip"), equalFold(coding, "deflate"), equalFold(coding, "compress"):
				lastChunked, codings = false, true
			default:
				v.note(ReasonBadTransferEncoding)
				valid = false
			}
			if !more {
				break
			}
			value = rest
		}
	}
	if h.nTE > len(h.teFields) {
		// Fields past the index were not read: refuse rather than frame on a partial list.
		v.note(ReasonBadTransferEncoding)
		valid = false
	}
	if valid && codings && !lastChunked {
		// "gzip" alone or "chunked, gzip": the guardian accepts both, but the length of such a
		// request body cannot be determined; say why the request is refused.
		v.note(ReasonBadTransferEncoding)
		valid = false
	}
	return valid && lastChunked, valid, codings
}

// checkContentLength parses every Content-Length field. valid is false when one is not a
// decimal number or two differ; equal repeats are DuplicateContentLength.
func (h *Head) checkContentLength(v *Verdict) (length int64, valid bool) {
	valid = true
	first := true
	for _, i := range indexed(&h.clFields, h.nCL) {
		n, ok := parseLength(h.Fields[i].Value)
		switch {
		case !ok:
			v.note(ReasonBadContentLength)
			valid = false
		case first:
			length, first = n, false
		case n != length:
			v.note(ReasonMultipleContentLength)
			valid = false
		default:
			v.note(ReasonDuplicateContentLength)
		}
	}
	if h.nCL > len(h.clFields) {
		// Fields past the index were not compared; refusing is safer than guessing.
		v.note(ReasonMultipleContentLength)
		valid = false
	}
	return length, valid
}

// parseLength reads 1*DIGIT up to math.MaxInt64. Empty values, signs, lists ("1,1") and spaces
// are refused, as the guardian refuses them.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// setVersion reads Major and Minor from a well-formed Proto; a malformed one reads as 1.1 so
// that the framing rules of the current protocol apply to it.
func (h *Head) setVersion() {
	p := h.Proto
	switch {
	case len(p) == 0:
		h.Major, h.Minor = 0, 9
	case len(p) == 8 && string(p[:5]) == "HTTP/" && isDigit(p[5]) && p[6] == '.' && isDigit(p[7]):
		h.Major, h.Minor = int(p[5]-'0'), int(p[7]-'0')
		if h.Major != 1 && !(h.Major == 0 && h.Minor == 9) {
			h.Major, h.Minor = 1, 1
		}
	default:
		h.Major, h.Minor = 1, 1
	}
}

// checkVersion grades Proto. Only HTTP/1.x is spoken on this connection: HTTP/2.0 or later in a
// request line is as malformed as any other text there (the guardian calls requests of HTTP/2
// and later Compliant because it only sees them from an HTTP/2 stack).
func (h *Head) checkVersion(v *Verdict) {
	p := h.Proto
	switch {
	case len(p) == 0:
		// HTTP/0.9: parseRequestLine noted it.
	case string(p) == "HTTP/0.9":
		v.note(ReasonNonCompliantVersion)
	case len(p) == 8 && string(p[:7]) == "HTTP/1." && isDigit(p[7]):
		if p[7] > '1' {
			v.note(ReasonNonCompliantVersion)
		}
	default:
		v.note(ReasonBadVersion)
	}
}

// checkTarget grades the request target's bytes: NUL, CR or LF is BadUri, a space SpaceInUri,
// another control character AmbiguousUri. obs-text passes, as in the router's classifier.
func checkTarget(t []byte, v *Verdict) {
	for _, c := range t {
		switch {
		case c > ' ' && c != 0x7f:
		case c == 0 || c == '\r' || c == '\n':
			v.note(ReasonBadURI)
			return
		case c == ' ':
			v.note(ReasonSpaceInURI)
		default:
			v.note(ReasonAmbiguousURI)
		}
	}
}
