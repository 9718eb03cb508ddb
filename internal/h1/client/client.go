// Package client forwards requests to HTTP/1.1 targets over pooled keep-alive connections, with
// the whole exchange on the calling goroutine: the request head is written, the response head
// read and parsed (internal/h1/wire) and the response relayed into the caller's
// http.ResponseWriter, all by the handler's own goroutine. Only a request body gets a goroutine
// of its own, so that bodies flow both ways at once as through the ALB; a WebSocket tunnel gets
// one for its second direction. docs/engine.md describes the design.
//
// It replaces, for HTTP1 target groups, what http.Transport and httputil.ReverseProxy did, with
// the same outside behaviour: hop-by-hop fields removed both ways, 1xx relayed, 101 upgrades for
// WebSocket only, trailers both ways, TMO-02's timeouts as read deadlines, LIM-01's 32 K
// response head, errors that internal/elberr maps to the same 502 and 504 answers.
package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// Options tune a Client. Zero values take the ALB's behaviour.
type Options struct {
	// ConnectTimeout bounds connection establishment (TMO-02: 10 s). Zero means 10 s.
	ConnectTimeout time.Duration
	// IdleTimeout is the load balancer's idle timeout: a target connection on which nothing moves
	// in either direction for this long fails (TMO-02: no response head in time is a 504; a
	// stalled body or tunnel is cut). Zero means 60 s.
	IdleTimeout time.Duration
	// MaxIdlePerTarget caps the keep-alive connections kept per target. Zero means 256.
	MaxIdlePerTarget int
	// IdleConnTimeout retires pooled connections unused this long. Zero means 90 s; it is
	// capped at half the IdleTimeout, so that a pooled connection is retired before its
	// target's own keep-alive timer (commonly the same order) is likely to close it.
	IdleConnTimeout time.Duration
	// TLS, when set, makes the client speak HTTPS to targets with this configuration.
	TLS *tls.Config
	// MaxResponseHeadBytes bounds the response head (LIM-01). Zero means 32 K.
	MaxResponseHeadBytes int
	// DropRequestFields are canonical field names never forwarded, beside the hop-by-hop ones.
	DropRequestFields []string
}

// ErrAborted wraps a failure after the response head was written to the client: only an
// aborted response can tell the client that what it got is incomplete.
var ErrAborted = errors.New("h1 client: response aborted after it started")

// Client forwards requests to HTTP/1.1 targets. It is safe for concurrent use.
type Client struct {
	opts   Options
	dialer IdleDialer
	pools  sync.Map // target address → *pool
	drop   map[string]bool
}

// New returns a client with its own keep-alive pools.
func New(o Options) *Client {
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.MaxIdlePerTarget == 0 {
		o.MaxIdlePerTarget = 256
	}
	if o.IdleConnTimeout == 0 {
		o.IdleConnTimeout = 90 * time.Second
	}
	o.IdleConnTimeout = min(o.IdleConnTimeout, o.IdleTimeout/2)
	if o.MaxResponseHeadBytes == 0 {
		o.MaxResponseHeadBytes = elberr.MaxResponseHeaderBytes
	}
	c := &Client{
		opts:   o,
		dialer: IdleDialer{Dialer: &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}, Idle: o.IdleTimeout},
		drop:   map[string]bool{},
	}
	for _, name := range o.DropRequestFields {
		c.drop[http.CanonicalHeaderKey(name)] = true
	}
	return c
}

// CloseIdle closes every pooled connection.
func (c *Client) CloseIdle() {
	c.pools.Range(func(_, v any) bool {
		v.(*pool).closeAll()
		return true
	})
}

func (c *Client) pool(addr string) *pool {
	if p, ok := c.pools.Load(addr); ok {
		return p.(*pool)
	}
	p, _ := c.pools.LoadOrStore(addr, newPool(c.opts.MaxIdlePerTarget, c.opts.IdleConnTimeout))
	return p.(*pool)
}

// dial opens a new connection to addr.
func (c *Client) dial(ctx context.Context, addr string) (*conn, error) {
	nc, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	idle, _ := nc.(*IdleConn)
	if c.opts.TLS != nil {
		tc := tls.Client(nc, c.opts.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("tls handshake with target: %w", err)
		}
		nc = tc
	}
	return newConn(nc, idle), nil
}

// Forward sends r to the target at addr ("host:port") and relays the answer into w. Before
// anything is written to w it returns the failure as it happened (a dial, timeout or read
// error, a wire error for a malformed or oversized head, a context error, or the inbound
// body's own read error) for the caller to map to the ALB's answer; after the response head
// was written, failures come back wrapped in ErrAborted.
//
// A request on a reused connection that the target had already closed is sent again once on
// a fresh connection when that is safe: nothing of it reached the target, or it has no body
// and an idempotent method and the target closed without answering a byte.
func (c *Client) Forward(w http.ResponseWriter, r *http.Request, addr string, closeAfter bool) error {
	return c.ForwardCut(w, r, addr, closeAfter, nil)
}

// ForwardCut is Forward for a request that must also end when cut is done (ALG-04: the target's
// deregistration delay ran out), as when r's context is canceled: the target connection is
// closed and the failure is cut's error. It spares the caller deriving a cancelable context
// and a copy of r per request for a cut that almost never comes. cut may be nil.
func (c *Client) ForwardCut(w http.ResponseWriter, r *http.Request, addr string, closeAfter bool, cut context.Context) error {
	return c.ForwardWith(w, r, addr, Forwarding{CloseAfter: closeAfter, Cut: cut})
}

// Forwarding is how ForwardWith sends one request.
type Forwarding struct {
	// CloseAfter closes the target connection after the exchange (DSY-02 defensive mode).
	CloseAfter bool
	// Cut, when not nil, ends the exchange when it is done (ForwardCut).
	Cut context.Context
	// Names are the request's field names as they arrived, as WithOriginalNames gives them,
	// without a context and a copy of r per request; nil takes them from r's context.
	Names []string
}

// ForwardWith is Forward with the settings of f.
func (c *Client) ForwardWith(w http.ResponseWriter, r *http.Request, addr string, f Forwarding) error {
	ctx := r.Context()
	if f.Names == nil {
		f.Names = originalNames(ctx)
	}
	p := c.pool(addr)
	for attempt := 0; ; attempt++ {
		var cn *conn
		if attempt == 0 {
			cn = p.get()
		}
		if cn == nil {
			var err error
			if cn, err = c.dial(ctx, addr); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
		}
		ex := exchange{client: c, pool: p, conn: cn, w: w, r: r, closeAfter: f.CloseAfter, cut: f.Cut, names: f.Names}
		err := ex.run(ctx)
		if err == nil {
			if ex.reusable {
				p.put(cn)
			} else {
				cn.close()
			}
			return nil
		}
		cn.close()
		if attempt == 0 && ex.retryable && ctx.Err() == nil && !ex.wasCut() {
			continue
		}
		return err
	}
}
