package client

import (
	"context"
	"sync"
	"time"
)

// pool keeps one target's idle keep-alive connections, most recently used last: a request takes
// the warmest connection, and the coldest ones age out. A timer retires connections idle past
// the expiry, so that an unused target does not keep sockets open forever; a connection that
// the target closed while pooled is caught by the exchange's retry.
type pool struct {
	mu     sync.Mutex
	idle   []*conn
	max    int
	expiry time.Duration
	timer  *time.Timer

	// reads decides how send waits for this target's answers.
	reads readPolicy

	// cutMu guards cuts: per ALG-04 cut context, the connections it must close (joinCut).
	cutMu sync.Mutex
	cuts  map[context.Context]*cutSet
}

func newPool(max int, expiry time.Duration) *pool {
	return &pool{max: max, expiry: expiry}
}

// get returns the most recently pooled connection that has not expired, or nil.
func (p *pool) get() *conn {
	p.mu.Lock()
	for n := len(p.idle); n > 0; n = len(p.idle) {
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		now := time.Now()
		if age := now.Sub(c.idleSince); age < p.expiry {
			p.mu.Unlock()
			c.reused, c.pooledFor = true, age
			c.wake(now)
			return c
		}
		c.close()
	}
	p.mu.Unlock()
	return nil
}

// put returns c to the pool, or closes it when the pool is full.
func (p *pool) put(c *conn) {
	c.idleSince = c.lastActive()
	p.mu.Lock()
	if len(p.idle) >= p.max {
		p.mu.Unlock()
		c.close()
		return
	}
	p.idle = append(p.idle, c)
	if p.timer == nil {
		p.timer = time.AfterFunc(p.expiry, p.sweep)
	}
	p.mu.Unlock()
}

// sweep closes the expired connections and rearms for the oldest that remains.
func (p *pool) sweep() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	expired := 0
	for expired < len(p.idle) && now.Sub(p.idle[expired].idleSince) >= p.expiry {
		p.idle[expired].close()
		expired++
	}
	n := copy(p.idle, p.idle[expired:])
	clear(p.idle[n:])
	p.idle = p.idle[:n]
	if n == 0 {
		p.timer = nil
		return
	}
	p.timer.Reset(p.idle[0].idleSince.Add(p.expiry).Sub(now))
}

// closeAll closes every pooled connection. The pool stays usable: the proxy that owns the
// client may still be serving in-flight requests when it is retired.
func (p *pool) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.idle {
		c.close()
	}
	clear(p.idle)
	p.idle = p.idle[:0]
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}
