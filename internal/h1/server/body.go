package server

import (
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"sync"
)

// Body errors. A body that ends in error leaves the connection unusable: it is closed after the
// response.
var (
	errBufferFull      = errors.New("h1: head larger than the read buffer")
	errMalformedChunks = errors.New("h1: malformed chunked request body")
	errTrailerTooLarge = errors.New("h1: request trailer section too large")
)

// Limits of the chunked framing: a chunk-size line (size and extensions) and the trailer section.
const (
	maxChunkLine    = 4 << 10
	maxTrailerBytes = 64 << 10
	// maxDrain is how much unread body the loop discards to keep a connection (net/http's
	// figure, and elberr's); a larger remainder closes the connection instead.
	maxDrain = 256 << 10
)

// body is a request body read from the connection's buffer. The handler may read it on any
// goroutine (http.Transport reads it on its own); mu serialises those reads with the loop, which
// takes the body back when the handler returns.
type body struct {
	c  *conn
	mu sync.Mutex
	// chunked selects the decoder; remaining is the length body's bytes left, or the current
	// chunk's in a chunked one.
	chunked   bool
	remaining int64
	inChunk   bool // chunked: inside a chunk's data (remaining > 0) or expecting its CRLF
	eof       bool
	err       error
	// closed: the handler returned (or called Close); reads fail, the loop decides what to do
	// with the rest.
	closed bool
	// expect: the client waits for 100 Continue, sent on the first read (LST-08).
	expect  bool
	trailer http.Header
}

// newBody is allocated per request, not reused: a reader that outlives its request
// (http.Transport still sending a body the target answered early) must find that request's
// body closed, never the next one's.
func newBody(c *conn, chunked bool, length int64, expect bool, trailer http.Header) *body {
	return &body{c: c, chunked: chunked, remaining: length, expect: expect, trailer: trailer}
}

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	return b.readLocked(p)
}

// Close ends the handler's use of the body; what is left is the loop's to drain or abandon.
func (b *body) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

func (b *body) readLocked(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.eof {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.expect {
		b.expect = false
		b.c.writeContinue()
	}
	var n int
	var err error
	if b.chunked {
		n, err = b.readChunked(p)
	} else {
		n, err = b.readLength(p)
	}
	if err == io.EOF {
		b.eof = true
		b.c.bodyDone()
	} else if err != nil {
		b.err = err
	}
	return n, err
}

func (b *body) readLength(p []byte) (int, error) {
	if b.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := b.c.in.read(p)
	b.remaining -= int64(n)
	if b.remaining == 0 {
		return n, io.EOF
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// readChunked decodes RFC 9112 section 7.1 strictly: every line ends in CRLF, the size is hex
// without sign or spaces, extensions are skipped within maxChunkLine. A bare LF or CR is an
// error, never a line end: two readings of one body are what request smuggling is made of.
func (b *body) readChunked(p []byte) (int, error) {
	if b.inChunk && b.remaining == 0 {
		// The chunk's data is done; its CRLF follows.
		if err := b.expectCRLF(); err != nil {
			return 0, err
		}
		b.inChunk = false
	}
	if !b.inChunk {
		size, err := b.chunkSize()
		if err != nil {
			return 0, err
		}
		if size == 0 {
			if err := b.readTrailer(); err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		b.remaining, b.inChunk = size, true
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := b.c.in.read(p)
	b.remaining -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err == nil && b.remaining == 0 {
		// Consume the CRLF now if it is here, so that the last chunk's EOF can come with its data.
		if b.c.in.buffered() >= 2 {
			if err := b.expectCRLF(); err != nil {
				return n, err
			}
			b.inChunk = false
		}
	}
	return n, err
}

func (b *body) expectCRLF() error {
	cr, err := b.c.in.readByte()
	if err != nil {
		return unexpected(err)
	}
	lf, err := b.c.in.readByte()
	if err != nil {
		return unexpected(err)
	}
	if cr != '\r' || lf != '\n' {
		return errMalformedChunks
	}
	return nil
}

// chunkSize reads a chunk-size line: 1*HEXDIG, optional extensions, CRLF.
func (b *body) chunkSize() (int64, error) {
	var size int64
	digits, length := 0, 0
	inExt := false
	for {
		c, err := b.c.in.readByte()
		if err != nil {
			return 0, unexpected(err)
		}
		if length++; length > maxChunkLine {
			return 0, errMalformedChunks
		}
		switch {
		case c == '\r':
			if lf, err := b.c.in.readByte(); err != nil {
				return 0, unexpected(err)
			} else if lf != '\n' || digits == 0 {
				return 0, errMalformedChunks
			}
			return size, nil
		case c == '\n':
			return 0, errMalformedChunks
		case inExt:
			// chunk-ext: skipped, whatever it holds short of a line end.
		case c == ';' && digits > 0:
			inExt = true
		case (c == ' ' || c == '\t') && digits > 0:
			inExt = true // BWS before the extension
		default:
			d, ok := hexDigit(c)
			if !ok || digits == 15 {
				return 0, errMalformedChunks
			}
			size = size<<4 | int64(d)
			digits++
		}
	}
}

// readTrailer reads the trailer section after the last chunk, up to its empty line, and keeps
// the fields the request declared in its Trailer header (r.Trailer).
func (b *body) readTrailer() error {
	total := 0
	var line []byte
	for {
		c, err := b.c.in.readByte()
		if err != nil {
			return unexpected(err)
		}
		if total++; total > maxTrailerBytes {
			return errTrailerTooLarge
		}
		if c == '\n' {
			return errMalformedChunks
		}
		if c != '\r' {
			line = append(line, c)
			continue
		}
		if lf, err := b.c.in.readByte(); err != nil {
			return unexpected(err)
		} else if lf != '\n' {
			return errMalformedChunks
		}
		if len(line) == 0 {
			return nil
		}
		b.addTrailer(line)
		line = line[:0]
	}
}

func (b *body) addTrailer(line []byte) {
	if b.trailer == nil {
		return
	}
	name, value, ok := cutByte(line, ':')
	if !ok {
		return
	}
	key := textproto.CanonicalMIMEHeaderKey(string(name))
	if _, declared := b.trailer[key]; declared {
		b.trailer[key] = append(b.trailer[key], string(trimOWS(value)))
	}
}

// drainLocked discards what the handler left of the body, up to maxDrain, so that the next
// request starts at a clean boundary. It reports whether the body is now entirely read; mu is
// held.
func (b *body) drainLocked() bool {
	if b.eof {
		return true
	}
	if b.err != nil || b.expect {
		// An error left the framing unknown; a client still waiting for 100 Continue would
		// otherwise have to send the body that nobody wants.
		return false
	}
	if !b.chunked && b.remaining > maxDrain {
		return false
	}
	var scratch [4 << 10]byte
	var n int64
	for n <= maxDrain {
		m, err := b.readLocked(scratch[:])
		n += int64(m)
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
	return false
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func cutByte(b []byte, sep byte) (before, after []byte, found bool) {
	for i, c := range b {
		if c == sep {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
