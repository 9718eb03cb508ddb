package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// maxInformational bounds the 1xx responses relayed before the final one, as net/http's client
// does, so that a target cannot hold a request with an endless stream of them.
const maxInformational = 5

// copyBufferSize is the buffer a body is relayed through.
const copyBufferSize = 32 << 10

var buffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

// exchange is one request and its response on one connection.
type exchange struct {
	client     *Client
	pool       *pool
	conn       *conn
	w          http.ResponseWriter
	r          *http.Request
	closeAfter bool
	// cut, when not nil, ends the exchange as a canceled context would (ForwardCut).
	cut context.Context
	// names are the request's field names as they arrived (Forwarding.Names), or nil.
	names   []string
	hasBody bool
	pump    *bodyPump
	// answeredEarly: the final response head arrived before the request body was sent
	// completely, so the target may not have read all of it.
	answeredEarly bool
	// copied counts the response body bytes relayed.
	copied int64
	// reusable: the exchange ended at a message boundary both ways; the connection may serve
	// another request.
	reusable bool
	// retryable: the exchange failed in a way that proves the target never processed the
	// request (see Forward).
	retryable bool
}

func (ex *exchange) run(ctx context.Context) error {
	cn, r := ex.conn, ex.r
	// A client that went away cancels ctx, and ALG-04's cut comes: closing the connection ends
	// every read and write of this exchange at once. Neither costs an allocation per exchange
	// where it can be avoided: the connection loop closes the connection itself as it cancels
	// the request (wire.CancelHook), and the pool keeps one registration per cut for all the
	// exchanges it must end (joinCut).
	if hook := cancelHook(ctx); hook != nil && hook.CloseOnCancel(cn.nc) {
		defer func() {
			if !hook.Release(cn.nc) {
				ex.reusable = false // closed under us as the exchange ended
			}
		}()
	} else {
		stop := context.AfterFunc(ctx, cn.close)
		defer func() {
			if !stop() {
				ex.reusable = false
			}
		}()
	}
	if ex.cut != nil {
		set := ex.pool.joinCut(ex.cut, cn)
		defer func() {
			if !ex.pool.leaveCut(set, cn) {
				ex.reusable = false
			}
		}()
	}
	ex.hasBody = r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
	upgrade := ""
	if !ex.hasBody {
		// A WebSocket handshake is a GET without a body; an upgrade offered with a body would
		// have the tunnel and the body share the target connection, so it goes out as a plain
		// request (and a target switching anyway gets the client a 502).
		upgrade = upgradeToken(r.Header)
	}
	ex.writeHead(cn.bw, upgrade)
	if ex.hasBody {
		ex.pump = startBody(cn, r)
	} else if err := cn.send(&ex.pool.reads); err != nil {
		ex.retryable = cn.reused
		return ex.failed(ctx, err)
	}
	received := 0
	for informational := 0; ; informational++ {
		err := ex.readHead()
		if err != nil {
			if received == 0 && cn.w == 0 && ex.mayReplay() && closedByTarget(err) {
				ex.retryable = true
			}
			return ex.failed(ctx, err)
		}
		received++
		status := cn.head.Status
		if status == http.StatusSwitchingProtocols {
			return ex.upgrade(upgrade)
		}
		if status >= 200 {
			ex.answeredEarly = !ex.pump.finished()
			break
		}
		if informational == maxInformational {
			return ex.failed(ctx, errors.New("target sent too many 1xx responses"))
		}
		ex.relayInformational()
	}
	return ex.relay(ctx)
}

// mayReplay reports whether the request may be sent again after a reused connection failed
// under it with nothing received: it has no body and its method is idempotent (RFC 9110
// section 9.2.2), or it carries an idempotency key, as net/http's client decides.
func (ex *exchange) mayReplay() bool {
	if !ex.conn.reused || ex.hasBody {
		return false
	}
	switch ex.r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	h := ex.r.Header
	return h["Idempotency-Key"] != nil || h["X-Idempotency-Key"] != nil
}

// closedByTarget reports a connection the target closed or reset.
func closedByTarget(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// failed returns the error to report for a failure before the response started: the context's
// when it was canceled, the inbound body's own failure when reading it broke the exchange, else
// err.
func (ex *exchange) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if ex.wasCut() {
		return ex.cut.Err()
	}
	if ex.pump != nil {
		if bodyErr := ex.pump.readFailure(); bodyErr != nil {
			return bodyErr
		}
	}
	return err
}

// wasCut reports whether the exchange's cut came.
func (ex *exchange) wasCut() bool { return ex.cut != nil && ex.cut.Err() != nil }

// readHead reads and parses the next response head into cn.head.
func (ex *exchange) readHead() error {
	cn := ex.conn
	limit := ex.client.opts.MaxResponseHeadBytes
	for {
		n, err := cn.head.Parse(cn.buffered(), limit)
		if err == nil {
			cn.consume(n)
			return nil
		}
		if !errors.Is(err, wire.ErrIncomplete) {
			return err
		}
		if err := cn.fill(limit); err != nil {
			if errors.Is(err, io.ErrShortBuffer) {
				return wire.ErrResponseTooLarge
			}
			if errors.Is(err, io.EOF) && cn.w > 0 {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// relayInformational passes a 1xx response on to the client (103 Early Hints, 100 Continue),
// removing its fields from the final response's again.
func (ex *exchange) relayInformational() {
	h := ex.w.Header()
	var added []string
	for _, f := range ex.conn.head.Fields {
		key := canonicalKey(f.Name)
		if hopByHop(key) {
			continue
		}
		if _, ok := h[key]; !ok {
			added = append(added, key)
		}
		h[key] = append(h[key], string(f.Value))
	}
	ex.w.WriteHeader(ex.conn.head.Status)
	for _, key := range added {
		delete(h, key)
	}
}

// relay writes the final response head to the client and streams its body.
func (ex *exchange) relay(ctx context.Context) error {
	cn, head := ex.conn, &ex.conn.head
	announced := ex.copyFields()
	status := head.Status
	body := head.Chunked || head.ContentLength > 0 || head.ContentLength < 0
	if ex.r.Method == http.MethodHead || status == http.StatusNoContent || status == http.StatusNotModified {
		body = false
	}
	// A body whose end only the connection's close marks leaves nothing to reuse.
	untilClose := body && !head.Chunked && head.ContentLength < 0
	streaming := body && head.ContentLength < 0
	ex.w.WriteHeader(status)
	if streaming || len(announced) > 0 {
		// Streams are flushed as they come (a streamed response's head at once too), as
		// ReverseProxy did; announced trailers need chunked framing to the client.
		_ = http.NewResponseController(ex.w).Flush()
	}
	clean := true
	if body {
		var err error
		if head.Chunked {
			err = ex.copyChunked(announced, streaming)
		} else if untilClose {
			err = ex.copyBody(cn, -1, streaming)
		} else {
			err = ex.copyBody(cn, head.ContentLength, false)
			if err == nil && ex.copied != head.ContentLength {
				err = io.ErrUnexpectedEOF
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w (%w)", err, ctx.Err())
			} else if ex.wasCut() {
				err = fmt.Errorf("%w (%w)", err, ex.cut.Err())
			}
			return fmt.Errorf("%w: %w", ErrAborted, err)
		}
		clean = !untilClose
	}
	// Bytes beyond the response's framing (a target answering twice, or smuggling a response
	// for the next request) make the connection unusable: they would be read as the answer to
	// someone else's request.
	ex.reusable = clean && !head.Close && !ex.closeAfter && !ex.answeredEarly && ex.pump.finished() && len(cn.buffered()) == 0
	if ex.reusable {
		cn.r, cn.w = 0, 0
	}
	return nil
}

// copyFields copies the response's end-to-end fields into the client's response header and
// returns the trailer names the target announced.
func (ex *exchange) copyFields() (announced []string) {
	head := &ex.conn.head
	h := ex.w.Header()
	size := 0
	for _, f := range head.Fields {
		size += len(f.Value)
	}
	// One string holds every value and one slice every value list: two allocations per head
	// however many fields it has.
	var sb strings.Builder
	sb.Grow(size)
	for _, f := range head.Fields {
		sb.Write(f.Value)
	}
	all := sb.String()
	lists := make([]string, len(head.Fields))
	var connection []string
	for _, f := range head.Fields {
		if equalFoldBytes(f.Name, "Connection") {
			connection = append(connection, string(f.Value))
		}
	}
	off := 0
	for i, f := range head.Fields {
		value := all[off : off+len(f.Value)]
		off += len(f.Value)
		key := canonicalKey(f.Name)
		if key == "Trailer" {
			for name := range splitList(value) {
				name = http.CanonicalHeaderKey(name)
				if name != "Transfer-Encoding" && name != "Trailer" && name != "Content-Length" {
					announced = append(announced, name)
				}
			}
			continue
		}
		if hopByHop(key) || len(connection) > 0 && listed(connection, key) || head.Chunked && key == "Content-Length" {
			continue
		}
		if existing, ok := h[key]; ok {
			h[key] = append(existing, value)
			continue
		}
		lists[i] = value
		h[key] = lists[i : i+1 : i+1]
	}
	if len(announced) > 0 {
		h["Trailer"] = []string{joinList(announced)}
	}
	return announced
}

// copyBody relays a body from src to the client until src's EOF, or until limit bytes when
// limit is not negative (a Content-Length: reading no further than the body leaves the next
// response in the connection's buffer, as io.LimitReader would, without its allocation),
// flushing after each write when streaming.
func (ex *exchange) copyBody(src io.Reader, limit int64, streaming bool) error {
	bufp := buffers.Get().(*[copyBufferSize]byte)
	defer buffers.Put(bufp)
	buf := bufp[:]
	var flusher *http.ResponseController
	if streaming {
		flusher = http.NewResponseController(ex.w)
	}
	for remaining := limit; ; {
		p := buf
		if limit >= 0 {
			if remaining <= 0 {
				return nil
			}
			p = buf[:min(int64(len(buf)), remaining)]
		}
		n, err := src.Read(p)
		if n > 0 {
			remaining -= int64(n)
			ex.copied += int64(n)
			if _, werr := ex.w.Write(buf[:n]); werr != nil {
				return werr
			}
			if flusher != nil {
				_ = flusher.Flush()
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func joinList(names []string) string {
	n := 0
	for _, s := range names {
		n += len(s) + 2
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, s := range names {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(s)
	}
	return sb.String()
}
