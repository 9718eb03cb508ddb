package server

import (
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// What the loop refuses itself, before any handler: heads from which no *http.Request can be
// built, and the refusals the ALB documents with a status of their own. Everything else goes to
// the handler, which applies the desync mitigation mode to the head's verdict (wire.Received).

// headStatus returns the status the loop answers h with itself, or 0 to serve it. verdicts is
// Server.Verdicts.
func headStatus(h *wire.Head, rcv *wire.Received, verdicts bool) int {
	if len(h.Target) == 0 || len(h.Proto) == 0 {
		// One token, or HTTP/0.9: no request to route (net/http's 400).
		return http.StatusBadRequest
	}
	if p := h.Proto; len(p) == 8 && string(p[:5]) == "HTTP/" && isDigit(p[5]) && p[6] == '.' && isDigit(p[7]) && p[5] != '1' {
		return http.StatusHTTPVersionNotSupported // a well-formed version we do not speak
	}
	if unknownCoding(h) {
		return http.StatusNotImplemented // LST-07
	}
	if rcv.Actions[wire.Monitor].Block && (!verdicts || h.Unforwardable()) {
		// Blocked in every mode: the head cannot be forwarded (nor logged as it is), or the
		// body cannot be delimited and no handler will block it.
		return http.StatusBadRequest
	}
	if h.HostCount > 1 || h.HostCount == 0 && h.Minor >= 1 {
		return http.StatusBadRequest // RFC 9112 section 3.2
	}
	return 0
}

// unknownCoding reports a Transfer-Encoding naming a coding other than chunked or identity,
// which the ALB answers with 501 (LST-07).
func unknownCoding(h *wire.Head) bool {
	for i := range h.Fields {
		f := &h.Fields[i]
		if !strings.EqualFold(string(f.Name), "Transfer-Encoding") {
			continue
		}
		for coding := range strings.SplitSeq(string(f.Value), ",") {
			coding = strings.TrimSpace(coding)
			if coding != "" && !strings.EqualFold(coding, "chunked") && !strings.EqualFold(coding, "identity") {
				return true
			}
		}
	}
	return false
}

// requestBox holds a request with its URL (when originForm could parse the target into it) and,
// for a head of few fields (most API clients'), the array of its header's first values, so that
// they are one allocation.
type requestBox struct {
	r      http.Request
	u      url.URL
	values [8]string
}

// newRequest builds the *http.Request the handler chain expects from the head, as net/http's
// server would: canonical header keys, Host taken out of the header, framing headers removed
// where the engine writes its own. It reports false for a head net/http could not represent
// (a target url.ParseRequestURI refuses, an invalid Host), which gets a 400.
func (c *conn) newRequest(ctx context.Context, raw []byte) (*http.Request, bool) {
	h := &c.head
	// Every string of the request is cut from one copy of the head: one allocation instead of
	// one per value.
	text := headText{raw: raw, s: string(raw)}
	target := text.of(h.Target)
	box := new(requestBox)
	u := &box.u
	if !originForm(target, u) {
		var err error
		if u, err = url.ParseRequestURI(target); err != nil {
			return nil, false
		}
	}
	c.body = nil
	header := make(http.Header, len(h.Fields))
	// The first value of every key shares one array (as net/textproto does).
	values := box.values[:0]
	if len(h.Fields) > len(box.values) {
		values = make([]string, 0, len(h.Fields))
	}
	host := ""
	for i := range h.Fields {
		f := &h.Fields[i]
		if f.Flags&(wire.FieldNoColon|wire.FieldNameNotToken) != 0 || len(f.Name) == 0 {
			// No HTTP/1.1 target could read it as the field it claims to be, and some would
			// read it as another ("Transfer-Encoding : chunked"): it is not forwarded. The
			// verdict (MissingHeaderColon, EmptyHeader, NonCompliantHeader, SuspiciousHeader)
			// still says it was there.
			continue
		}
		key := canonicalKey(text.of(f.Name))
		value := text.of(f.Value)
		if key == "Host" {
			host = value
			continue
		}
		if prev, ok := header[key]; ok {
			header[key] = append(prev, value)
		} else {
			values = append(values, value)
			header[key] = values[len(values)-1 : len(values) : len(values)]
		}
	}
	if !validHost(host) {
		return nil, false
	}
	if u.IsAbs() && u.Host != "" {
		host = u.Host // RFC 9112 section 3.2.2: the target's authority wins
	}
	// Built as a value and copied with its context into the box, with its URL: one allocation
	// for the request and its URL, not one for each and one for WithContext's copy.
	built := http.Request{
		Method:     method(h.Method, text),
		URL:        u,
		Proto:      proto(h, text),
		ProtoMajor: 1,
		ProtoMinor: h.Minor,
		Header:     header,
		Host:       host,
		RequestURI: target,
		RemoteAddr: c.remoteAddr,
		Body:       http.NoBody,
	}
	box.r = *built.WithContext(ctx)
	r := &box.r
	r.Close = wantsClose(h.Minor, header)
	switch h.Framing {
	case wire.FramingInvalid:
		// Only with Server.Verdicts: the handler blocks it; nothing after the head is read.
		r.Close = true
	case wire.FramingLength:
		r.ContentLength = h.ContentLength
		if cl := header["Content-Length"]; len(cl) > 1 {
			header["Content-Length"] = cl[:1] // equal repeats are one length (DuplicateContentLength)
		}
		if h.ContentLength > 0 {
			c.body = newBody(c, false, h.ContentLength, expectsContinue(r), nil)
			r.Body = c.body
		}
	case wire.FramingChunked:
		r.ContentLength = -1
		r.TransferEncoding = []string{"chunked"}
		delete(header, "Content-Length") // RFC 9112 section 6.1: Transfer-Encoding overrides it
		r.Trailer = declaredTrailer(header)
		c.body = newBody(c, true, 0, expectsContinue(r), r.Trailer)
		r.Body = c.body
	}
	// The engine writes its own framing towards targets; a received Transfer-Encoding (chunked
	// or identity) is never forwarded as is.
	delete(header, "Transfer-Encoding")
	return r, true
}

// headText turns slices of the raw head into substrings of one copy of it.
type headText struct {
	raw []byte
	s   string
}

// of returns b, a slice of raw, as a substring of s.
func (t headText) of(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	off := cap(t.raw) - cap(b)
	if off < 0 || off+len(b) > len(t.s) || &t.raw[off] != &b[0] {
		return string(b) // not a slice of the head (wire never gives one): copy
	}
	return t.s[off : off+len(b)]
}

// canonicalKey is textproto's canonical form of a field name (the name itself when it already
// is, without an allocation). Frequent lower-case names come from a table.
func canonicalKey(name string) string {
	if k, ok := commonKeys[name]; ok {
		return k
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
		"Connection", "Content-Length", "Content-Type", "Cookie", "Authorization", "Cache-Control",
		"Upgrade", "Origin", "Referer", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port",
		"X-Amzn-Trace-Id", "Transfer-Encoding", "Expect", "If-None-Match", "If-Modified-Since",
		"Sec-Websocket-Key", "Sec-Websocket-Version", "Sec-Websocket-Protocol", "Sec-Websocket-Extensions"} {
		m[k] = k
		m[strings.ToLower(k)] = k
	}
	return m
}()

func method(b []byte, text headText) string {
	switch string(b) {
	case "GET":
		return http.MethodGet
	case "POST":
		return http.MethodPost
	case "HEAD":
		return http.MethodHead
	case "PUT":
		return http.MethodPut
	case "DELETE":
		return http.MethodDelete
	case "OPTIONS":
		return http.MethodOptions
	case "PATCH":
		return http.MethodPatch
	}
	return text.of(b)
}

func proto(h *wire.Head, text headText) string {
	switch string(h.Proto) {
	case "HTTP/1.1":
		return "HTTP/1.1"
	case "HTTP/1.0":
		return "HTTP/1.0"
	}
	return text.of(h.Proto)
}

// wantsClose applies RFC 9112 section 9.3: HTTP/1.1 persists unless Connection says close;
// HTTP/1.0 closes unless it says keep-alive.
func wantsClose(minor int, h http.Header) bool {
	if hasToken(h["Connection"], "close") {
		return true
	}
	return minor == 0 && !hasToken(h["Connection"], "keep-alive")
}

func hasToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// expectsContinue: an HTTP/1.1 client waiting for 100 Continue before its body (LST-08).
func expectsContinue(r *http.Request) bool {
	return r.ProtoMinor >= 1 && hasToken(r.Header["Expect"], "100-continue")
}

// declaredTrailer is the Trailer header's names, for the body to fill (as net/http does).
func declaredTrailer(h http.Header) http.Header {
	values := h["Trailer"]
	if len(values) == 0 {
		return nil
	}
	t := http.Header{}
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name)); name != "" {
				switch name {
				case "Transfer-Encoding", "Trailer", "Content-Length":
				default:
					t[name] = nil
				}
			}
		}
	}
	return t
}

// validHost accepts what net/http's server accepts in a Host field (httpguts.ValidHostHeader):
// the bytes of a host, a port, an IPv6 literal, and the sub-delims some clients send.
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!$%&'()*+,-.:;=[]_~", c) >= 0) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
