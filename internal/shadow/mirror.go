package shadow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/compare"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// mirrored is a primary handler whose requests a Mirror copies.
type mirrored struct {
	primary Handler
	mirror  *Mirror
}

// primaryResult is what the primary goroutine hands the shadow goroutine once it has answered:
// the answer kept for comparison, or nothing when it was cut (aborted).
type primaryResult struct {
	resp    *compare.Response
	took    time.Duration
	aborted bool
}

// ServeHTTP serves r with the primary handler and, when r is chosen, starts its copy beside it.
// The primary's work is unchanged but for the body: a chosen request's body (at most
// MaxBodyBytes, of known length) is read before the primary starts, and the primary reads it
// from that copy.
func (h *mirrored) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	m := h.mirror
	if !m.chosen(r) {
		return h.primary.ServeHTTP(w, r)
	}
	if r.ContentLength < 0 || r.ContentLength > m.opts.MaxBodyBytes {
		m.tally.Skip(compare.SkipBody)
		return h.primary.ServeHTTP(w, r)
	}
	if !m.acquire() {
		m.tally.Skip(compare.SkipBusy)
		return h.primary.ServeHTTP(w, r)
	}
	r, body, err := copyBody(r, m.opts.MaxBodyBytes)
	if err != nil { // the client's body failed: the primary meets the same failure, no copy
		m.release()
		return h.primary.ServeHTTP(w, r)
	}
	copied := m.copyRequest(r, body)
	result := make(chan primaryResult, 1)
	if !m.runner.goShadow(func() { defer m.release(); m.run(copied, result) }) {
		m.release()
		return h.primary.ServeHTTP(w, r)
	}
	sent := false
	defer func() {
		if !sent { // the primary panicked (an aborted response): there is nothing to compare
			result <- primaryResult{aborted: true}
		}
	}()
	t := &tee{ResponseWriter: w, rec: compare.NewRecorder(m.opts.CaptureBytes)}
	start := time.Now()
	err = h.primary.ServeHTTP(t, r)
	result <- primaryResult{resp: t.response(err), took: time.Since(start)}
	sent = true
	return err
}

// copyBody reads r's body (ContentLength bytes, at most limit) and returns a shallow copy of r
// that reads the same bytes, then the rest of the original body, then its error.
func copyBody(r *http.Request, limit int64) (*http.Request, []byte, error) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return r, nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	rest := io.Reader(r.Body)
	if err != nil {
		rest = errReader{err}
	}
	out := r.WithContext(r.Context())
	out.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(body), rest), Closer: r.Body}
	return out, body, err
}

type replayBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// copyRequest makes the shadow request: a deep copy of r (it is read on another goroutine while
// the primary may still change r's maps) with the copied body and the shadow Header.
func (m *Mirror) copyRequest(r *http.Request, body []byte) *http.Request {
	ex := observe.ExchangeFrom(r.Context())
	own := &observe.Exchange{
		Received: ex.Received, Client: ex.Client, Protocol: ex.Protocol, ListenerPort: ex.ListenerPort,
		RequestHost: ex.RequestHost, TraceID: ex.TraceID, MatchedRulePriority: ex.MatchedRulePriority,
		LoadBalancer: ex.LoadBalancer, Method: ex.Method, RequestURI: ex.RequestURI, HTTPVersion: ex.HTTPVersion,
		UserAgent: ex.UserAgent, TLS: ex.TLS,
	}
	c := r.Clone(observe.WithExchange(context.Background(), own))
	c.Body, c.GetBody = http.NoBody, nil
	if len(body) > 0 {
		c.Body = io.NopCloser(bytes.NewReader(body))
	}
	c.Header.Set(Header, "1")
	return c
}

// run serves the copy, waits for the primary's answer, and records the pair.
func (m *Mirror) run(req *http.Request, primary <-chan primaryResult) {
	ctx, cancel := context.WithTimeout(m.runner.ctx, m.opts.Timeout)
	defer cancel()
	own := observe.ExchangeFrom(req.Context())
	start := time.Now()
	resp, failed := m.serve(req.WithContext(observe.WithExchange(ctx, own)))
	took := time.Since(start)
	outcome := compare.OutcomeCompared
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		outcome = compare.OutcomeShadowTimeout
	case failed:
		outcome = compare.OutcomeShadowError
	}
	cancel()
	var p primaryResult
	select {
	case p = <-primary:
	case <-m.runner.ctx.Done():
		return
	}
	if m.runner.ctx.Err() != nil {
		return // shutting down: the shadow was cut by us, not by its target
	}
	if p.aborted {
		outcome = compare.OutcomePrimaryAborted
	}
	m.tally.Record(compare.Pair{Method: req.Method, URI: req.RequestURI, Outcome: outcome,
		Primary: p.resp, Shadow: resp, PrimaryTime: p.took, ShadowTime: took})
}

// serve runs the shadow target. failed reports that it gave no answer of its own: an error page
// of the load balancer's (no target, no connection, an invalid function response) or a panic
// (a response cut after it started).
func (m *Mirror) serve(req *http.Request) (resp *compare.Response, failed bool) {
	w := &capture{header: http.Header{}, rec: compare.NewRecorder(m.opts.CaptureBytes)}
	defer func() {
		if recover() != nil {
			resp, failed = nil, true
		}
	}()
	if err := m.target.ServeHTTP(w, req); err != nil {
		return nil, true
	}
	return w.response(), false
}

// tee passes the primary's answer through to the client unchanged and keeps a copy for the
// comparison. Unwrap lets http.ResponseController reach the writer below.
type tee struct {
	http.ResponseWriter
	rec    *compare.Recorder
	status int
	header http.Header
}

func (t *tee) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (t *tee) WriteHeader(code int) {
	if code >= 200 && t.status == 0 {
		t.status, t.header = code, t.ResponseWriter.Header().Clone()
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *tee) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	n, err := t.ResponseWriter.Write(b)
	_, _ = t.rec.Write(b[:n])
	return n, err
}

func (t *tee) Flush() { _ = http.NewResponseController(t.ResponseWriter).Flush() }

// response is the primary's answer: what it wrote, or the error page the load balancer will
// write for err.
func (t *tee) response(err error) *compare.Response {
	if err != nil {
		status := http.StatusInternalServerError
		if e, ok := errors.AsType[*elberr.Error](err); ok {
			status = e.Status
		}
		return &compare.Response{Status: status, Generated: true}
	}
	if t.status == 0 { // nothing written at all: net/http sends 200 for it
		t.status, t.header = http.StatusOK, t.ResponseWriter.Header().Clone()
	}
	return t.rec.Response(t.status, t.header)
}

// capture is the shadow's response writer: nothing goes anywhere but into the recorder.
type capture struct {
	header http.Header
	status int
	rec    *compare.Recorder
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if code >= 200 && c.status == 0 {
		c.status = code
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.rec.Write(b)
}

func (c *capture) Flush() {}

func (c *capture) response() *compare.Response {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.rec.Response(c.status, c.header)
}
