package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// maxChunkLine bounds a chunk-size line with its extensions.
const maxChunkLine = 4 << 10

var (
	errChunkLine  = errors.New("target sent a malformed chunk size line")
	errChunkEnd   = errors.New("target sent a chunk without CRLF after its data")
	errChunkLimit = errors.New("target sent a chunk size line over 4 K")
)

// readLine returns the next line in the connection's buffer without its terminator (valid until
// the next read) and consumes it.
func (c *conn) readLine(limit int) ([]byte, error) {
	for {
		buffered := c.buffered()
		if i := bytes.IndexByte(buffered, '\n'); i >= 0 {
			line := buffered[:i]
			c.consume(i + 1)
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			return line, nil
		}
		if len(buffered) >= limit {
			return nil, errChunkLimit
		}
		if err := c.fill(max(len(c.buf), limit)); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// chunkedReader reads a chunked body's data (RFC 9112 section 7.1) and stops at the last chunk,
// leaving the trailer section on the connection.
type chunkedReader struct {
	c       *conn
	left    int64
	started bool
	err     error
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.left == 0 {
		if r.started {
			if line, err := r.c.readLine(maxChunkLine); err != nil || len(line) != 0 {
				r.err = errChunkEnd
				if err != nil {
					r.err = err
				}
				return 0, r.err
			}
		}
		r.started = true
		line, err := r.c.readLine(maxChunkLine)
		if err != nil {
			r.err = err
			return 0, err
		}
		size, ok := chunkSize(line)
		if !ok {
			r.err = errChunkLine
			return 0, r.err
		}
		if size == 0 {
			r.err = io.EOF
			return 0, io.EOF
		}
		r.left = size
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.c.Read(p)
	r.left -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		r.err = err
	}
	return n, err
}

// chunkSize reads the hexadecimal size at the start of a chunk-size line; extensions after ';'
// (with optional whitespace before it) are ignored, as RFC 9112 section 7.1.1 allows.
func chunkSize(line []byte) (int64, bool) {
	var n int64
	digits := 0
	for digits < len(line) {
		c := line[digits]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			goto rest
		}
		if n > (1<<63-1)>>4 {
			return 0, false
		}
		n = n<<4 | int64(d)
		digits++
	}
rest:
	if digits == 0 {
		return 0, false
	}
	rest := bytes.TrimLeft(line[digits:], " \t")
	if len(rest) > 0 && rest[0] != ';' {
		return 0, false
	}
	return n, true
}

// copyChunked relays a chunked body and then its trailers: into the fields the target
// announced, or, when it sent others, each under http.TrailerPrefix, as ReverseProxy did.
func (ex *exchange) copyChunked(announced []string, streaming bool) error {
	if err := ex.copyBody(&chunkedReader{c: ex.conn}, -1, streaming); err != nil {
		return err
	}
	cn := ex.conn
	limit := ex.client.opts.MaxResponseHeadBytes
	for {
		n, err := cn.head.ParseTrailer(cn.buffered(), limit)
		if err == nil {
			cn.consume(n)
			break
		}
		if !errors.Is(err, wire.ErrIncomplete) {
			return err
		}
		if err := cn.fill(limit); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	fields := cn.head.Fields
	prefix := ""
	for _, f := range fields {
		if !slices.Contains(announced, canonicalKey(f.Name)) {
			prefix = http.TrailerPrefix
		}
	}
	h := ex.w.Header()
	for _, f := range fields {
		key := canonicalKey(f.Name)
		if key == "Transfer-Encoding" || key == "Content-Length" || key == "Trailer" {
			continue
		}
		h[prefix+key] = append(h[prefix+key], string(f.Value))
	}
	return nil
}
