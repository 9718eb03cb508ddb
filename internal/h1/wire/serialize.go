package wire

// AppendTo appends the head in canonical form: one space between the request line's parts,
// CRLF line ends, "Name: value" fields in their order and case. It is the form an HTTP/1.1
// target would receive before hop-by-hop and framing rewrites; parsing its output gives the
// same head again (the fuzz target checks this).
func (h *Head) AppendTo(dst []byte) []byte {
	dst = append(dst, h.Method...)
	dst = append(dst, ' ')
	dst = append(dst, h.Target...)
	if len(h.Proto) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, h.Proto...)
	}
	dst = append(dst, '\r', '\n')
	for _, f := range h.Fields {
		dst = append(dst, f.Name...)
		dst = append(dst, ':', ' ')
		dst = append(dst, f.Value...)
		dst = append(dst, '\r', '\n')
	}
	return append(dst, '\r', '\n')
}
