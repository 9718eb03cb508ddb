package compare

import (
	"crypto/sha256"
	"hash"
	"net/http"
)

// Response is what is kept of one answer for comparison: its status, headers, and the start of
// its body with the size and digest of the whole.
type Response struct {
	Status int
	Header http.Header
	// Body is the body's first bytes, at most the capture limit.
	Body []byte
	// Size counts every body byte, captured or not.
	Size int64
	// Digest is the SHA-256 of the whole body.
	Digest [sha256.Size]byte
	// Generated marks an error page of the load balancer's own (the target gave no answer).
	Generated bool
}

// Complete reports whether Body holds the whole body.
func (r *Response) Complete() bool { return int64(len(r.Body)) == r.Size }

// Recorder collects a body as it is written: the first limit bytes, and the size and digest of
// all of it. It is not safe for concurrent use.
type Recorder struct {
	limit  int
	body   []byte
	size   int64
	digest hash.Hash
}

// NewRecorder returns a recorder that keeps at most limit bytes of the body.
func NewRecorder(limit int) *Recorder {
	return &Recorder{limit: limit, digest: sha256.New()}
}

// Write records p; it never fails.
func (c *Recorder) Write(p []byte) (int, error) {
	if room := c.limit - len(c.body); room > 0 {
		c.body = append(c.body, p[:min(room, len(p))]...)
	}
	c.size += int64(len(p))
	c.digest.Write(p)
	return len(p), nil
}

// Response returns the recorded answer with the given status and headers.
func (c *Recorder) Response(status int, header http.Header) *Response {
	r := &Response{Status: status, Header: header, Body: c.body, Size: c.size}
	c.digest.Sum(r.Digest[:0])
	return r
}
