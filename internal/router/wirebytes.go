package router

import (
	"net/http"
	"strconv"
	"strings"
)

// Why an emulation: sent_bytes is what went to the client (§8.2 field 12), but net/http's
// HTTP/1.x server writes the status line, the headers it adds (Date, Content-Length,
// Content-Type, Connection, Transfer-Encoding) and the chunk framing itself, after the handler
// returns, and reports none of it. wireAccount replays net/http's rules (server.go,
// chunkWriter.writeHeader) on what the handler did, so the count is exact for every response
// the tests compare against the bytes on the socket (sentbytes_test.go). Not replayed: response
// trailers and the Connection: close net/http adds when it gives up draining a large unread
// request body.

// bufferBeforeChunking is net/http's response buffer (bufferBeforeChunkingSize): a handler
// that finishes within it gets a Content-Length; beyond it the body goes out chunked.
const bufferBeforeChunking = 2048

// sniffLen is how much of the body http.DetectContentType looks at.
const sniffLen = 512

// wireAccount follows one HTTP/1.x response as net/http will write it. The zero value is not
// ready; start sets it up for a request.
type wireAccount struct {
	http11, head, wantsClose, keepAlive10 bool

	status     int
	facts      headerFacts // of the header block as at WriteHeader: net/http writes that snapshot
	buffered   int         // bytes in net/http's response buffer
	headerSent bool
	chunking   bool
	headBytes  int64 // status line and header block, once sent
	framing    int64 // chunk sizes, CRLFs and the last chunk
	sniff      []byte
}

// headerFacts is what net/http's decisions read from the handler's header block, taken in one
// pass at WriteHeader so that no copy of the header is kept.
type headerFacts struct {
	block int // bytes of the block as written: valid names, trimmed values
	// Bytes of the lines net/http may drop.
	contentLength, transferEncoding, contentType, connection int

	te                                     string
	lengthSet, typed, dated, encoded       bool
	connectionSet, connectionClose, closes bool // Connection present, exactly "close", has the token
	upgrades                               bool
}

func factsOf(h http.Header) headerFacts {
	var f headerFacts
	for name, values := range h {
		if strings.HasPrefix(name, http.TrailerPrefix) || !isToken(name) {
			continue
		}
		n := 0
		for _, v := range values {
			n += headerLine(name, strings.Trim(v, " \t"))
		}
		f.block += n
		switch name {
		case "Content-Length":
			f.contentLength = n
		case "Transfer-Encoding":
			f.transferEncoding = n
		case "Content-Type":
			f.contentType = n
		case "Connection":
			f.connection = n
		}
	}
	_, f.typed = h["Content-Type"]
	_, f.dated = h["Date"]
	_, f.connectionSet = h["Connection"]
	// Header.Get would canonicalize each constant name again, per response.
	f.te = first(h, "Transfer-Encoding")
	f.lengthSet = first(h, "Content-Length") != ""
	f.encoded = first(h, "Content-Encoding") != ""
	conn := first(h, "Connection")
	f.connectionClose, f.closes, f.upgrades = conn == "close", hasToken(conn, "close"), hasToken(conn, "upgrade")
	return f
}

// first is h.Get(name) for a name already in canonical form.
func first(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// start prepares a for a response to r.
func (a *wireAccount) start(r *http.Request) {
	*a = wireAccount{
		http11:      r.ProtoAtLeast(1, 1),
		head:        r.Method == http.MethodHead,
		wantsClose:  r.Close,
		keepAlive10: !r.ProtoAtLeast(1, 1) && hasToken(first(r.Header, "Connection"), "keep-alive"),
	}
}

// writeHeader notes the final status and the header block.
func (a *wireAccount) writeHeader(status int, h http.Header) {
	a.status = status
	a.facts = factsOf(h)
}

// write follows a handler Write of n body bytes through net/http's buffer (bufio.Writer's
// rules: a write that does not fit flushes, a large write into an empty buffer goes straight
// through).
func (a *wireAccount) write(p []byte) {
	if !bodyAllowedForStatus(a.status) {
		return // net/http refuses the write
	}
	// A HEAD response's body is buffered and then eaten, but it still sizes the Content-Length
	// and is sniffed for a type.
	if !a.headerSent && !a.facts.typed && len(a.sniff) < sniffLen {
		a.sniff = append(a.sniff, p[:min(len(p), sniffLen-len(a.sniff))]...)
	}
	n := len(p)
	for n > bufferBeforeChunking-a.buffered {
		if a.buffered == 0 {
			a.chunk(n, false)
			return
		}
		n -= bufferBeforeChunking - a.buffered
		a.buffered = bufferBeforeChunking
		a.flushBuffer(false)
	}
	a.buffered += n
}

// flush follows http.Flusher: the buffer goes out, with the header if not yet sent.
func (a *wireAccount) flush() {
	a.flushBuffer(false)
	a.sendHeader(0, false)
}

// finish follows net/http after the handler returned; it returns the bytes on the wire.
func (a *wireAccount) finish(body int64) int64 {
	if a.status == 0 {
		a.writeHeader(http.StatusOK, nil)
	}
	a.flushBuffer(true)
	a.sendHeader(0, true)
	if a.chunking {
		a.framing += int64(len("0\r\n\r\n"))
	}
	if a.head || !bodyAllowedForStatus(a.status) {
		body = 0
	}
	return a.headBytes + a.framing + body
}

func (a *wireAccount) flushBuffer(done bool) {
	if a.buffered > 0 {
		a.chunk(a.buffered, done)
		a.buffered = 0
	}
}

// chunk is one write of n body bytes below the buffer (chunkWriter.Write).
func (a *wireAccount) chunk(n int, done bool) {
	a.sendHeader(n, done)
	if a.chunking {
		a.framing += int64(len(strconv.FormatInt(int64(n), 16)) + 4)
	}
}

// headerPlan is what net/http adds to and drops from the handler's header block.
type headerPlan struct {
	extra                                            int // bytes of the lines it adds
	dropLength, dropCoding, dropType, dropConnection bool
	lengthSet, closeAfter                            bool
}

// sendHeader is chunkWriter.writeHeader: first is the size of the first body write, done
// whether the handler had returned.
func (a *wireAccount) sendHeader(first int, done bool) {
	if a.headerSent {
		return
	}
	a.headerSent = true
	f := &a.facts
	p := headerPlan{lengthSet: f.lengthSet, closeAfter: f.connectionClose}
	a.planLength(&p, first, done)
	a.planTypeAndDate(&p, first)
	a.planFraming(&p)
	if p.closeAfter && !f.closes && !(a.status == http.StatusSwitchingProtocols && f.upgrades) {
		p.dropConnection = true
		if a.http11 {
			p.extra += headerLine("Connection", "close")
		}
	}
	block := f.block
	for _, d := range []struct {
		drop  bool
		bytes int
	}{{p.dropLength, f.contentLength}, {p.dropCoding, f.transferEncoding}, {p.dropType, f.contentType}, {p.dropConnection, f.connection}} {
		if d.drop {
			block -= d.bytes
		}
	}
	a.headBytes = int64(statusLineBytes(a.status) + block + p.extra + len("\r\n"))
}

// planLength adds the Content-Length of a handler that finished within the buffer, and the
// keep-alive decisions that depend on a known length.
func (a *wireAccount) planLength(p *headerPlan, first int, done bool) {
	f, bodyOK := &a.facts, bodyAllowedForStatus(a.status)
	if done && f.te == "" && bodyOK && !p.lengthSet && (!a.head || first > 0) {
		p.extra += headerLine("Content-Length", strconv.Itoa(first))
		p.lengthSet = true
	}
	if a.keepAlive10 && (p.lengthSet || a.head || !bodyOK) {
		if !f.connectionSet {
			p.extra += headerLine("Connection", "keep-alive")
		}
	} else if !a.http11 || a.wantsClose {
		p.closeAfter = true
	}
}

// planTypeAndDate adds the sniffed Content-Type and the Date, and drops what a bodiless status
// must not carry.
func (a *wireAccount) planTypeAndDate(p *headerPlan, first int) {
	f := &a.facts
	if bodyAllowedForStatus(a.status) {
		if !f.typed && !f.encoded && f.te == "" && first > 0 {
			p.extra += headerLine("Content-Type", http.DetectContentType(a.sniff[:min(len(a.sniff), first)]))
		}
	} else {
		p.dropLength, p.dropCoding = true, true
		p.dropType = a.status == http.StatusNotModified
	}
	if !f.dated {
		p.extra += len("Date: Mon, 02 Jan 2006 15:04:05 GMT\r\n")
	}
}

// planFraming decides between a length, chunking and a closed connection.
func (a *wireAccount) planFraming(p *headerPlan) {
	te := a.facts.te
	if p.lengthSet && te != "" && te != "identity" {
		p.dropLength, p.lengthSet = true, false // net/http drops a length beside a coding
	}
	switch {
	case a.head || !bodyAllowedForStatus(a.status) || p.lengthSet:
		p.dropCoding = true
	case a.http11 && te == "identity":
		p.dropCoding, p.closeAfter = true, true
	case a.http11:
		a.chunking = true
		p.dropCoding, p.dropLength = true, true
		p.extra += headerLine("Transfer-Encoding", "chunked")
	default:
		p.dropCoding, p.closeAfter = true, true
	}
}

func headerLine(name, value string) int { return len(name) + len(": ") + len(value) + len("\r\n") }

// statusLineBytes is "HTTP/1.1 200 OK\r\n", or net/http's form for codes it has no text for.
func statusLineBytes(code int) int {
	var buf [20]byte
	digits := len(strconv.AppendInt(buf[:0], int64(code), 10)) // Itoa would allocate from 100 up
	if text := http.StatusText(code); text != "" {
		return len("HTTP/1.1 ") + digits + 1 + len(text) + 2
	}
	return len("HTTP/1.1 ") + max(digits, 3) + len(" status code ") + digits + 2
}

func bodyAllowedForStatus(status int) bool {
	return !(status >= 100 && status <= 199 || status == http.StatusNoContent || status == http.StatusNotModified)
}

// hasToken reports whether the comma-separated list v holds token, case-insensitively.
func hasToken(v, token string) bool {
	for t := range strings.SplitSeq(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// isToken reports an RFC 9110 token, the names net/http writes (httpguts.ValidHeaderFieldName).
func isToken(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
