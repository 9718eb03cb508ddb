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

// wireAccount follows one HTTP/1.x response as net/http will write it.
type wireAccount struct {
	http11, head, wantsClose, keepAlive10 bool

	status     int
	header     http.Header // as at WriteHeader: net/http writes that snapshot
	buffered   int         // bytes in net/http's response buffer
	headerSent bool
	chunking   bool
	headBytes  int64 // status line and header block, once sent
	framing    int64 // chunk sizes, CRLFs and the last chunk
	sniff      []byte
}

func newWireAccount(r *http.Request) *wireAccount {
	return &wireAccount{
		http11:      r.ProtoAtLeast(1, 1),
		head:        r.Method == http.MethodHead,
		wantsClose:  r.Close,
		keepAlive10: !r.ProtoAtLeast(1, 1) && hasToken(r.Header.Get("Connection"), "keep-alive"),
	}
}

// writeHeader notes the final status and the header snapshot.
func (a *wireAccount) writeHeader(status int, h http.Header) {
	a.status = status
	a.header = h.Clone()
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
	if _, typed := a.header["Content-Type"]; !a.headerSent && !typed && len(a.sniff) < sniffLen {
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
		a.writeHeader(http.StatusOK, http.Header{})
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

// sendHeader is chunkWriter.writeHeader: first is the size of the first body write, done
// whether the handler had returned.
func (a *wireAccount) sendHeader(first int, done bool) {
	if a.headerSent {
		return
	}
	a.headerSent = true
	h, code := a.header, a.status
	te := h.Get("Transfer-Encoding")
	hasTE := te != ""
	clSet := h.Get("Content-Length") != ""
	var extra int
	if done && !hasTE && bodyAllowedForStatus(code) && !clSet && (!a.head || first > 0) {
		extra += headerLine("Content-Length", strconv.Itoa(first))
		clSet = true
	}
	closeAfter := false
	if a.keepAlive10 && (clSet || a.head || !bodyAllowedForStatus(code)) {
		if _, ok := h["Connection"]; !ok {
			extra += headerLine("Connection", "keep-alive")
		}
	} else if !a.http11 || a.wantsClose {
		closeAfter = true
	}
	if h.Get("Connection") == "close" {
		closeAfter = true
	}
	skip := map[string]bool{}
	if bodyAllowedForStatus(code) {
		if _, typed := h["Content-Type"]; !typed && h.Get("Content-Encoding") == "" && !hasTE && first > 0 {
			extra += headerLine("Content-Type", http.DetectContentType(a.sniff[:min(len(a.sniff), first)]))
		}
	} else {
		skip["Content-Length"], skip["Transfer-Encoding"] = true, true
		if code == http.StatusNotModified {
			skip["Content-Type"] = true
		}
	}
	if _, ok := h["Date"]; !ok {
		extra += len("Date: Mon, 02 Jan 2006 15:04:05 GMT\r\n")
	}
	if clSet && hasTE && te != "identity" {
		skip["Content-Length"], clSet = true, false // net/http drops a length beside a coding
	}
	switch {
	case a.head || !bodyAllowedForStatus(code) || clSet:
		skip["Transfer-Encoding"] = true
	case a.http11 && hasTE && te == "identity":
		skip["Transfer-Encoding"] = true
		closeAfter = true
	case a.http11:
		a.chunking = true
		skip["Transfer-Encoding"], skip["Content-Length"] = true, true
		extra += headerLine("Transfer-Encoding", "chunked")
	default:
		closeAfter = true
		skip["Transfer-Encoding"] = true
	}
	if closeAfter && !hasToken(h.Get("Connection"), "close") && !isSwitch(code, h) {
		skip["Connection"] = true
		if a.http11 {
			extra += headerLine("Connection", "close")
		}
	}
	a.headBytes = int64(statusLineBytes(code) + headerBlockBytes(h, skip) + extra + 2)
}

// headerBlockBytes is Header.WriteSubset's output size: invalid names dropped, values trimmed.
func headerBlockBytes(h http.Header, skip map[string]bool) int {
	n := 0
	for name, values := range h {
		if skip[name] || strings.HasPrefix(name, http.TrailerPrefix) || !isToken(name) {
			continue
		}
		for _, v := range values {
			n += headerLine(name, strings.Trim(v, " \t"))
		}
	}
	return n
}

func headerLine(name, value string) int { return len(name) + len(": ") + len(value) + len("\r\n") }

// statusLineBytes is "HTTP/1.1 200 OK\r\n", or net/http's form for codes it has no text for.
func statusLineBytes(code int) int {
	digits := len(strconv.Itoa(code))
	if text := http.StatusText(code); text != "" {
		return len("HTTP/1.1 ") + digits + 1 + len(text) + 2
	}
	return len("HTTP/1.1 ") + max(digits, 3) + len(" status code ") + digits + 2
}

func bodyAllowedForStatus(status int) bool {
	return !(status >= 100 && status <= 199 || status == http.StatusNoContent || status == http.StatusNotModified)
}

func isSwitch(code int, h http.Header) bool {
	return code == http.StatusSwitchingProtocols && hasToken(h.Get("Connection"), "upgrade")
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
