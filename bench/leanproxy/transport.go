package main

import (
	"io"
	"net/http"
	"sync"
)

// transport is the forwarder as an http.RoundTripper: the response is read on the caller's
// goroutine and its connection goes back to the pool when the body has been read to the end.
type transport struct{ f *forwarder }

var _ http.RoundTripper = transport{}

// RoundTrip sends req (already rewritten by ReverseProxy) on a pooled connection.
func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.ContentLength < 0 && req.Body != nil && req.Body != http.NoBody {
		return nil, errUnknownLength
	}
	c, err := t.f.get()
	if err != nil {
		return nil, err
	}
	resp, err := roundTrip(c, req, false)
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	resp.Body = &pooledBody{body: resp.Body, conn: c, f: t.f, reusable: !resp.Close}
	return resp, nil
}

// pooledBody returns its connection to the pool at EOF, or closes it when the body is
// abandoned before its end.
type pooledBody struct {
	body     io.ReadCloser
	conn     *backendConn
	f        *forwarder
	reusable bool
	once     sync.Once
}

func (b *pooledBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.release(b.reusable)
	}
	return n, err
}

func (b *pooledBody) Close() error {
	b.release(false)
	return nil
}

func (b *pooledBody) release(reuse bool) {
	b.once.Do(func() {
		if reuse {
			b.f.put(b.conn)
		} else {
			_ = b.conn.Close()
		}
	})
}

// bufferPool recycles ReverseProxy's 32 KB copy buffers.
type bufferPool struct{ pool sync.Pool }

func (p *bufferPool) Get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 32<<10)
}

func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }
