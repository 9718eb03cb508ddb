// Package httptarget proxies requests to HTTP targets (instance and ip target groups): HTTP1
// groups through the engine's own HTTP/1.1 client (internal/h1/client), which runs each exchange
// on the handler's goroutine; HTTP2 and GRPC groups through httputil.ReverseProxy over an
// HTTP/2-only http.Transport.
package httptarget

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/h1/client"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Options tune the connections to targets. Zero values take the ALB's behaviour.
type Options struct {
	// ConnectTimeout bounds connection establishment (TMO-02: 10 s, then 504). Zero means 10 s.
	ConnectTimeout time.Duration
	// ResponseTimeout is the load balancer's idle timeout: it bounds the wait for the target's
	// response headers (TMO-02, 504 when exceeded) and any later silence of a target connection
	// (a response body or a WebSocket on which nothing moves is cut, see idleConn). Zero means
	// 60 s.
	ResponseTimeout time.Duration
	// MaxIdleConnsPerTarget caps the keep-alive pool per target. Zero means 256.
	MaxIdleConnsPerTarget int
	// IdleConnTimeout closes pooled connections unused this long. Zero means 90 s.
	IdleConnTimeout time.Duration
	// TLS makes the proxy speak HTTPS to targets (target group protocol HTTPS). Like the ALB it
	// accepts any target certificate (TLS-05). Zero means plain HTTP.
	TLS bool
	// HTTP2 makes the proxy speak only HTTP/2 to targets (protocol version HTTP2 or GRPC, TG-02):
	// h2 over TLS, or h2c with prior knowledge over plain TCP. A target that does not speak it
	// fails the request with 502. Zero means HTTP/1.1 (protocol version HTTP1).
	HTTP2 bool
}

// Proxy forwards requests to HTTP targets. One Proxy (and so one connection pool) serves every
// target group of a load balancer with the same target protocol and protocol version, and is kept
// across reloads while its Options stay the same. It is safe for concurrent use.
type Proxy struct {
	// h1 serves HTTP1 groups; transport and reverse serve HTTP2 and GRPC groups.
	h1        *client.Client
	transport *http.Transport
	reverse   *httputil.ReverseProxy
}

// New returns a proxy with its own keep-alive connection pool.
func New(o Options) *Proxy {
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.ResponseTimeout == 0 {
		o.ResponseTimeout = 60 * time.Second
	}
	if o.MaxIdleConnsPerTarget == 0 {
		o.MaxIdleConnsPerTarget = 256
	}
	if o.IdleConnTimeout == 0 {
		o.IdleConnTimeout = 90 * time.Second
	}
	if !o.HTTP2 {
		return &Proxy{h1: newClient(o)}
	}
	transport := newTransport(o)
	p := &Proxy{transport: transport}
	p.reverse = &httputil.ReverseProxy{
		Rewrite:      rewriter(o),
		Transport:    transport,
		BufferPool:   bufferPool{},
		ErrorHandler: catchError,
		// Copy errors after the response started are aborts the exchange records; they are
		// logged at debug level only, not on the standard logger for every broken client.
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	// No FlushInterval for HTTP/2 and gRPC groups either: ReverseProxy already flushes every
	// write of a response without Content-Length (every streamed gRPC response). Forcing -1
	// would also flush the headers of a gRPC trailers-only response (an error status in the
	// HEADERS frame that ends the stream) before the stream ends, turning it into headers plus
	// an empty DATA frame, which gRPC clients reject ("server closed the stream without sending
	// trailers").
	return p
}

// newClient returns the HTTP/1.1 connection pools for o.
func newClient(o Options) *client.Client {
	co := client.Options{
		ConnectTimeout:   o.ConnectTimeout,
		IdleTimeout:      o.ResponseTimeout,
		MaxIdlePerTarget: o.MaxIdleConnsPerTarget,
		IdleConnTimeout:  o.IdleConnTimeout,
		// The router sets X-Forwarded-For, -Proto and -Port; the client's own Forwarded and
		// X-Forwarded-Host never reach a target (as ReverseProxy's Rewrite mode strips them).
		DropRequestFields:    []string{"Forwarded", "X-Forwarded-Host"},
		MaxResponseHeadBytes: elberr.MaxResponseHeaderBytes,
	}
	if o.TLS {
		// TLS-05: the ALB does not validate target certificates.
		co.TLS = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // TLS-05
	}
	return client.New(co)
}

// newTransport returns the HTTP/2 connection pool for o.
func newTransport(o Options) *http.Transport {
	dialer := client.IdleDialer{Dialer: &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}, Idle: o.ResponseTimeout}
	transport := &http.Transport{
		// Never a proxy from the environment: targets are addressed directly.
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: o.MaxIdleConnsPerTarget,
		// A pooled connection is retired by the pool before its idle deadline can fail it, so
		// that a request never picks a connection that is about to time out under it.
		IdleConnTimeout:       min(o.IdleConnTimeout, o.ResponseTimeout/2),
		ResponseHeaderTimeout: o.ResponseTimeout,
		// The client's Accept-Encoding decides; the transport must not add gzip and decode it.
		DisableCompression: true,
		// LIM-01: response header block of at most 32 K, else 502.
		MaxResponseHeaderBytes: elberr.MaxResponseHeaderBytes,
		ExpectContinueTimeout:  0,
	}
	if o.TLS {
		// TLS-05: the ALB does not validate target certificates.
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // TLS-05
	}
	if o.HTTP2 {
		// One protocol only: an HTTP2 or GRPC group never falls back to HTTP/1.1. Over plain TCP
		// this is h2c with prior knowledge, as the ALB speaks to HTTP targets (no Upgrade dance).
		var protocols http.Protocols
		if o.TLS {
			protocols.SetHTTP2(true)
		} else {
			protocols.SetUnencryptedHTTP2(true)
		}
		transport.Protocols = &protocols
	}
	return transport
}

// Close releases idle pooled connections.
func (p *Proxy) Close() {
	if p.h1 != nil {
		p.h1.CloseIdle()
		return
	}
	p.transport.CloseIdleConnections()
}

// Serve forwards r to the target at addr ("host:port") and streams the answer to w. It returns an
// *elberr.Error, without having written anything, when the target could not be reached or gave
// no valid response; a failure after the response started aborts the response instead
// (http.ErrAbortHandler), as the client must not see a half response as a whole one.
func (p *Proxy) Serve(w http.ResponseWriter, r *http.Request, addr string) error {
	return p.ServeCut(w, r, addr, nil)
}

// ServeCut is Serve for a request that must also end when cut is done (ALG-04: the target's
// deregistration delay ran out), as if r's context were canceled. HTTP1 groups hand cut to the
// client, which closes the target connection when it comes; the others derive the canceled
// context. cut may be nil.
func (p *Proxy) ServeCut(w http.ResponseWriter, r *http.Request, addr string, cut context.Context) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.Target = addr
	ex.TargetSent = time.Now()
	// HTTP/1 servers discard the unread request body before the response starts, which would
	// cut a body still being streamed to the target: bodies flow both ways at once, as through
	// the ALB. HTTP/2 is always full duplex (the call then reports ErrNotSupported).
	_ = http.NewResponseController(w).EnableFullDuplex()
	if p.h1 != nil {
		q := h1Requests.Get().(*h1Request)
		defer q.release()
		q.catcher = errorCatcher{ResponseWriter: w, exchange: ex}
		// The names go to the client beside the request, not in a context of a copy of it.
		f := client.Forwarding{CloseAfter: ex.CloseConnections, Cut: cut, Names: receivedNames(r, &q.names)}
		err := forwardH1(p.h1, &q.catcher, r, addr, f)
		// The exchange ran on this goroutine and is over, but a request body may still be on
		// its way to the target on the client's body pump, which holds r.
		ex.Settled = r.Body == nil || r.Body == http.NoBody
		return err
	}
	catcher := &errorCatcher{ResponseWriter: w, exchange: ex}
	if cut != nil {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(cut, cancel)
		defer stop()
		r = r.WithContext(ctx)
	}
	p.reverse.ServeHTTP(catcher, r)
	if catcher.err != nil {
		return catcher.err
	}
	return nil
}

// h1Request is the pooled per-request memory of the HTTP/1.1 client's path: the received
// names' scratch and the response writer's wrapper, reused by a steady stream of requests. Nothing
// holds either once ServeCut returns: the client relays the whole exchange, upgrades included,
// on the calling goroutine, and the names and the writer are not kept beyond it.
type h1Request struct {
	names   nameScratch
	catcher errorCatcher
}

var h1Requests = sync.Pool{New: func() any { return new(h1Request) }}

// release empties q, letting go of the request's strings and writer, and pools it.
func (q *h1Request) release() {
	q.names.reset()
	q.catcher = errorCatcher{}
	h1Requests.Put(q)
}

// forwardH1 forwards through the HTTP/1.1 client. DSY-02 defensive mode: with f.CloseAfter an
// Ambiguous request is forwarded, then the target connection is closed, so nothing smuggled
// behind it can reach the target.
func forwardH1(c *client.Client, w *errorCatcher, r *http.Request, addr string, f client.Forwarding) error {
	err := c.ForwardWith(w, r, addr, f)
	if err == nil {
		return nil
	}
	if errors.Is(err, client.ErrAborted) {
		if r.Context().Value(http.ServerContextKey) == nil {
			return nil // no server to abort the response on (ReverseProxy's rule too)
		}
		// Headers are gone: only an abort tells the client the response is incomplete.
		panic(http.ErrAbortHandler)
	}
	return elberr.FromTransport(err)
}

// rewriter returns the Rewrite function of a proxy for o.
func rewriter(o Options) func(*httputil.ProxyRequest) {
	scheme := "http"
	if o.TLS {
		scheme = "https"
	}
	return func(pr *httputil.ProxyRequest) { rewrite(pr, scheme) }
}

// rewrite addresses the outbound request to the chosen target. The forwarding headers were set on
// the inbound request by the router; ReverseProxy strips X-Forwarded-For and -Proto from the
// outbound copy before Rewrite, so they are copied back from the inbound request.
func rewrite(pr *httputil.ProxyRequest, scheme string) {
	ex := observe.ExchangeFrom(pr.In.Context())
	pr.Out.URL.Scheme = scheme
	pr.Out.URL.Host = ex.Target
	pr.Out.Host = pr.In.Host
	// Request trailers arrive in pr.In.Trailer only when the body reaches EOF; ReverseProxy's
	// copy of the map is taken before that and stays empty, so the outbound request shares the
	// inbound map, which the transport reads after the body, when it is filled.
	pr.Out.Trailer = pr.In.Trailer
	// DSY-02 defensive mode: an Ambiguous request is forwarded, then both the client and the
	// target connection are closed, so nothing smuggled behind it can reach the target.
	pr.Out.Close = ex.CloseConnections
	for _, name := range []string{"X-Forwarded-For", "X-Forwarded-Proto"} {
		if v, ok := pr.In.Header[name]; ok {
			pr.Out.Header[name] = v
		}
	}
	onlyWebSocketUpgrade(pr.Out.Header)
}

// onlyWebSocketUpgrade keeps WebSocket as the one upgrade a target is offered (WS-01). Any other
// token, h2c above all, is dropped: a target that accepted `Upgrade: h2c` would turn the client
// connection into an HTTP/2 tunnel whose later requests bypass the listener's rules and logs
// (h2c smuggling). Without a WebSocket token the request goes out as a plain request.
func onlyWebSocketUpgrade(h http.Header) {
	values, ok := h["Upgrade"]
	if !ok {
		return
	}
	for _, v := range values {
		for token := range strings.SplitSeq(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(token), "/")
			if strings.EqualFold(name, "websocket") {
				h["Upgrade"] = []string{strings.TrimSpace(token)}
				return
			}
		}
	}
	delete(h, "Upgrade")
	delete(h, "Http2-Settings")
	delete(h, "Connection")
}

// errorCatcher carries a pre-response failure from ReverseProxy's ErrorHandler back to Serve.
// Unwrap keeps http.ResponseController (flush, hijack for upgrades) working through it.
type errorCatcher struct {
	http.ResponseWriter
	exchange   *observe.Exchange
	err        *elberr.Error
	wroteStart bool
}

func (c *errorCatcher) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *errorCatcher) WriteHeader(status int) {
	if status >= 200 && !c.wroteStart {
		c.wroteStart = true
		c.exchange.TargetStatus = status
		c.exchange.TargetResponded = time.Now()
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *errorCatcher) Write(b []byte) (int, error) {
	if !c.wroteStart {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

func (c *errorCatcher) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func catchError(w http.ResponseWriter, r *http.Request, err error) {
	c, ok := w.(*errorCatcher)
	if !ok || c.wroteStart {
		// Headers are gone: only an abort tells the client the response is incomplete.
		panic(http.ErrAbortHandler)
	}
	mapped := elberr.FromTransport(err)
	if mapped == nil {
		mapped = &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceTarget, Err: err}
	}
	if errors.Is(err, http.ErrAbortHandler) {
		panic(http.ErrAbortHandler)
	}
	c.err = mapped
}

// bufferPool recycles the 32 KB copy buffers ReverseProxy uses per request. The pool holds
// array pointers, so Put converts the slice back without allocating.
type bufferPool struct{}

const copyBufferSize = 32 << 10

var buffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

func (bufferPool) Get() []byte { return buffers.Get().(*[copyBufferSize]byte)[:] }

func (bufferPool) Put(b []byte) {
	if len(b) == copyBufferSize {
		buffers.Put((*[copyBufferSize]byte)(b))
	}
}
